#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/kernels.md's table of rows is what `nvmx kernels --format markdown` prints now.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
want=$(sed -n '/<!-- kernels-table:begin -->/,/<!-- kernels-table:end -->/p' docs/kernels.md | sed '1d;$d')
got=$("$nvmx" kernels --format markdown)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	t_is 0 "docs/kernels.md's table is 'nvmx kernels --format markdown'"
else
	t_is 1 "docs/kernels.md's table is stale: paste 'build/nvmx kernels --format markdown' between the kernels-table markers"
fi
t_done
