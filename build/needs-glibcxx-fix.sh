#!/bin/sh
# Exit 0 when the system libstdc++ lacks GLIBCXX_3.4.32 (so libLibTorchSharp.so needs the patch), 1 otherwise.
lib=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$lib" ] || lib=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
[ -f "$lib" ] || exit 1
if grep -q GLIBCXX_3.4.32 "$lib"; then exit 1; fi
exit 0
