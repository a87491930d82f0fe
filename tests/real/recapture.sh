#!/bin/sh
# Re-captures the golden cases made from real Debezium output,
# tests/golden/real-<Debezium version>-<scenario>.{in,args,out,err,rc,expected,connector.json}:
# runs tests/real/run.sh with REAL_CAPTURE=1, which saves each scenario's
# records (kcat's key<TAB>value lines) with the rows PostgreSQL recorded
# (.expected), the connector's configuration and cdcpivot's output at
# SOURCE_DATE_EPOCH=1600300000, and then checks every .out against its
# .expected. Review `git diff tests/golden` before committing. Cases of a
# Debezium version no longer in tests/real/pom.xml are not removed.
#
#   tests/real/recapture.sh [zk] [kraft]
set -eu
cd "$(dirname "$0")/../.."
make -s build/cdcpivot
REAL_CAPTURE=1 CDCPIVOT=build/cdcpivot exec tests/real/run.sh "$@"
