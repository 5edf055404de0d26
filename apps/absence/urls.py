app_name = "absence"
urlpatterns: list = []
