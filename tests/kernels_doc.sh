#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/kernels.md's table of rows is what `nvmx kernels --format markdown` prints now.
set -u
cd "$(dirname "$0")/.." || exit 2
NVMX=${NVMX:-build/nvmx}
echo "1..1"
want=$(sed -n '/<!-- kernels-table:begin -->/,/<!-- kernels-table:end -->/p' docs/kernels.md | sed '1d;$d')
got=$("$NVMX" kernels --format markdown)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	echo "ok 1 - docs/kernels.md's table is 'nvmx kernels --format markdown'"
else
	echo "not ok 1 - docs/kernels.md's table is stale: paste 'build/nvmx kernels --format markdown' between the kernels-table markers"
fi
