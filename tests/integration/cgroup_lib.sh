# shellcheck shell=bash
# A memory cgroup of the test's own, made under the test's cgroup: v2 where
# the memory controller is delegated there, else the v1 memory hierarchy.
#   make_cgroup LIMIT_BYTES: sets CG_DIR (the new cgroup, limited to
#   LIMIT_BYTES with no swap), or returns 1 with the reason in CG_WHY.
#   remove_cgroup: removes it once its processes are gone (waits 5 s).

make_cgroup() {
   local limit=$1 own v2mount v1line v1mount
   own=$(grep -m1 '^0::' /proc/self/cgroup | cut -d: -f3)
   v2mount=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
   v1line=$(grep -m1 ':memory:' /proc/self/cgroup || true)
   v1mount=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
   CG_DIR=
   if [ -n "$v2mount" ] && [ -f "$v2mount$own/memory.current" ] &&
      grep -qw memory "$v2mount$own/cgroup.subtree_control" 2>/dev/null; then
      mkdir "$v2mount$own/leaktop-test-$$" 2>/dev/null ||
         { CG_WHY="cannot create a cgroup under $v2mount$own"; return 1; }
      CG_DIR=$v2mount$own/leaktop-test-$$
      echo "$limit" >"$CG_DIR/memory.max"
      echo 0 >"$CG_DIR/memory.swap.max" 2>/dev/null || true
   elif [ -n "$v1line" ] && [ -n "$v1mount" ]; then
      mkdir "$v1mount$(echo "$v1line" | cut -d: -f3)/leaktop-test-$$" 2>/dev/null ||
         { CG_WHY="cannot create a v1 memory cgroup"; return 1; }
      CG_DIR=$v1mount$(echo "$v1line" | cut -d: -f3)/leaktop-test-$$
      echo "$limit" >"$CG_DIR/memory.limit_in_bytes"
      echo "$limit" >"$CG_DIR/memory.memsw.limit_in_bytes" 2>/dev/null || true
   else
      CG_WHY="no writable memory cgroup"
      return 1
   fi
}

remove_cgroup() {
   [ -n "${CG_DIR:-}" ] || return 0
   for _ in $(seq 50); do
      [ -s "$CG_DIR/cgroup.procs" ] || break
      sleep 0.1
   done
   rmdir "$CG_DIR" 2>/dev/null
}
