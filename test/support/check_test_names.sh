#!/bin/sh
# Each doctest case runs as its own CTest test, selected by name. CTest splits
# names on ';' and doctest's --test-case filter splits on ',' and treats '*',
# '?' and '\' as wildcards/escapes: a case whose name holds one of them would
# run nothing and still pass. Fail on any such name.
set -eu
bad=$("$1" --list-test-cases --no-version 2>/dev/null | grep -E '[;,*?\\]|\[|\]' | grep -v '^\[doctest\]' || true)
if [ -n "$bad" ]; then
  echo "test case names that CTest or doctest would split or glob:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "all test case names are safe"
