"""factory_boy factories, one module per app, all importable from here."""

from .absence import *  # noqa: F403
from .clubs import *  # noqa: F403
from .meetings import *  # noqa: F403
from .organizations import *  # noqa: F403
from .pool import *  # noqa: F403
from .reports import *  # noqa: F403
from .strategy import *  # noqa: F403
