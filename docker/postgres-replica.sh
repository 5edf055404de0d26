#!/bin/bash
# The read replica (docker-compose.yml, service "db-replica", profile "replica"): on an empty volume a
# base backup of the primary with standby settings (-R), then PostgreSQL as a hot standby that
# streams the primary's changes. The portal reads its absence statistics here when READ_REPLICA_URL
# is set (apps/core/replica.py); everything else stays on the primary.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until PGPASSWORD="${REPLICATION_PASSWORD:-replicator}" pg_basebackup \
      --host=db --username=replicator --pgdata="$PGDATA" --wal-method=stream --write-recovery-conf; do
    echo "waiting for the primary ..."
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
