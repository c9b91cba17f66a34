#!/bin/sh
# Prints the Python interpreter for the tests, the NumPy peers and the
# figure scripts: the first python3 on the PATH that imports NumPy and
# pytest, else the system's own (where Debian's python3-numpy and
# python3-pytest install), else plain python3 (the tests then say what
# is missing).  Another python3 earlier on the PATH may not see
# Debian's packages, hence the search.
need='import numpy, pytest'
IFS=:
for d in $PATH /usr/bin; do
  [ -n "$d" ] && [ -x "$d/python3" ] || continue
  if "$d/python3" -c "$need" >/dev/null 2>&1; then
    echo "$d/python3"
    exit 0
  fi
done
echo python3
