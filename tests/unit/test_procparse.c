/* Parsers of /proc and cgroup text, on inputs recorded from real hosts. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "sample/ProcParse.h"
#include "sample/StatusCache.h"
#include "util/Text.h"

static void test_keyed_value(void** state) {
   (void)state;
   const char* status = "Name:\tpython3\nVmRSS:\t   41236 kB\nRssAnon:\t   30000 kB\n"
                        "voluntary_ctxt_switches:\t1523\nnonvoluntary_ctxt_switches:\t87\n";
   uint64_t v = 0;
   assert_true(ProcParse_keyedValue(status, "VmRSS", &v));
   assert_int_equal(v, 41236);
   /* "RssAnon" must not match a search for "Rss". */
   assert_false(ProcParse_keyedValue(status, "Rss", &v));
   const char* events = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";
   assert_true(ProcParse_keyedValue(events, "oom_kill", &v));
   assert_int_equal(v, 2);
   assert_true(ProcParse_number("1521090560\n", &v));
   assert_int_equal(v, 1521090560);
   assert_false(ProcParse_number("max\n", &v));
}

static void test_status_in_one_pass(void** state) {
   (void)state;
   /* Recorded from a gunicorn worker (Linux 6.x), trimmed. */
   const char* status = "Name:\tgunicorn\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\n"
                        "PPid:\t4200\nVmPeak:\t  112340 kB\nVmRSS:\t   41236 kB\n"
                        "RssAnon:\t   30000 kB\nRssFile:\t   11000 kB\nRssShmem:\t     236 kB\n"
                        "VmSwap:\t       0 kB\nThreads:\t1\nvoluntary_ctxt_switches:\t1523\n"
                        "nonvoluntary_ctxt_switches:\t87\n";
   ProcStatus s;
   ProcParse_status(status, &s);
   assert_true(s.memKnown);
   assert_int_equal(s.rssKiB, 41236);
   assert_int_equal(s.anonKiB, 30000);
   assert_int_equal(s.fileKiB, 11000);
   assert_int_equal(s.shmemKiB, 236);
   assert_true(s.ctxKnown);
   assert_int_equal(s.ctxVoluntary, 1523);
   assert_int_equal(s.ctxInvoluntary, 87);
   /* A kernel thread or zombie has no memory lines: unknown, not zero. */
   ProcParse_status("Name:\tkworker/0:1\nState:\tI (idle)\nvoluntary_ctxt_switches:\t5\n", &s);
   assert_false(s.memKnown);
   assert_false(s.ctxKnown);
}

static void test_ns_pid(void** state) {
   (void)state;
   /* A worker in a container: host PID 31337, 7 in its own namespace. */
   const char* nested = "Name:\tgunicorn\nTgid:\t31337\nNgid:\t0\nPid:\t31337\n"
                        "NSpid:\t31337\t7\nNSpgid:\t31337\t1\nNSsid:\t31337\t1\n";
   assert_int_equal(ProcParse_nsPid(nested, 31337), 7);
   const char* flat = "Name:\tpython3\nPid:\t4242\nNSpid:\t4242\nNSpgid:\t4200\n";
   assert_int_equal(ProcParse_nsPid(flat, 4242), 4242);
   /* Kernels before 4.1 have no NSpid line. */
   assert_int_equal(ProcParse_nsPid("Name:\tx\nPid:\t99\n", 99), 99);
   /* The last line, with no newline, and an empty value. */
   assert_int_equal(ProcParse_nsPid("Pid:\t5\nNSpid:\t5\t12", 5), 12);
   assert_int_equal(ProcParse_nsPid("NSpid:\n10\n", 5), 5);
}

static void test_stat_fields(void** state) {
   (void)state;
   const char* stat =
         "8890 (a) b) c) S 8886 8886 1170 0 -1 4194304 98 0 1 0 25 17 0 0 20 0 1 0 51044 "
         "3133440 413 18446744073709551615 94587293429760 94587293449641 140733567366704 0 0\n";
   ProcStat st;
   assert_true(ProcParse_stat(stat, &st));
   assert_int_equal(st.state, 'S');
   assert_int_equal(st.ppid, 8886);
   assert_int_equal(st.flags, 4194304);
   assert_int_equal(st.cpuTicks, 42);
   assert_int_equal(st.threads, 1);
   assert_int_equal(st.startTicks, 51044);
   const char* kthread = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 2 0 0\n";
   assert_true(ProcParse_stat(kthread, &st));
   assert_true(st.flags & 0x00200000);
   assert_false(ProcParse_stat("8890 (truncated) S 1 2", &st));
   assert_false(ProcParse_stat("no parenthesis", &st));
}

static void test_stat_exit_code_with_hostile_comm(void** state) {
   (void)state;
   /* comm may hold spaces and ')' : fields count from the last ')'. */
   const char* stat =
         "8890 (a) b) c) Z 8886 8886 1170 0 -1 4194304 98 0 1 0 0 0 0 0 20 0 1 0 51044 3133440 "
         "413 18446744073709551615 94587293429760 94587293449641 140733567366704 0 0 0 0 0 0 "
         "0 0 0 17 1 0 0 0 0 0 94587293465648 94587293467264 94587404693504 140733567371719 "
         "140733567371739 140733567371739 140733567373291 9\n";
   int status = -1;
   assert_true(ProcParse_statExitCode(stat, &status));
   assert_int_equal(status, 9);
   char how[48];
   ProcParse_describeWaitStatus(status, how, sizeof(how));
   assert_string_equal(how, "killed by SIGKILL");
   ProcParse_describeWaitStatus(3 << 8, how, sizeof(how));
   assert_string_equal(how, "exit 3");
   /* Kernels before 3.5 stop early: no exit_code field. */
   assert_false(ProcParse_statExitCode("1 (init) S 0 1 1 0", &status));
}

static void test_children_list(void** state) {
   (void)state;
   pid_t out[4];
   assert_int_equal(ProcParse_childrenList("120 121 4000 ", out, 4), 3);
   assert_int_equal(out[2], 4000);
   assert_int_equal(ProcParse_childrenList("", out, 4), 0);
   assert_int_equal(ProcParse_childrenList("1 2 3 4 5 6", out, 4), 4);
}

static void test_cgroup_paths_v2_and_hybrid(void** state) {
   (void)state;
   char v2[256], v1[256];
   ProcParse_cgroupPaths("0::/system.slice/gunicorn.service\n", v2, sizeof(v2), v1, sizeof(v1));
   assert_string_equal(v2, "/system.slice/gunicorn.service");
   assert_string_equal(v1, "");
   const char* hybrid = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/acd945b5\n"
                        "2:cpu,cpuacct:/\n0::/\n";
   ProcParse_cgroupPaths(hybrid, v2, sizeof(v2), v1, sizeof(v1));
   assert_string_equal(v2, "/");
   assert_string_equal(v1, "/process_api/acd945b5");
   /* "memory" must be a whole controller name, not a prefix. */
   ProcParse_cgroupPaths("5:memoryx:/a\n", v2, sizeof(v2), v1, sizeof(v1));
   assert_string_equal(v1, "");
}

static void test_cgroup_mounts(void** state) {
   (void)state;
   const char* mountinfo =
         "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
         "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
         "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
         "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
   char v2[256], v1[256];
   ProcParse_cgroupMounts(mountinfo, v2, sizeof(v2), v1, sizeof(v1));
   assert_string_equal(v2, "/sys/fs/cgroup/unified");
   assert_string_equal(v1, "/sys/fs/cgroup/memory");
   ProcParse_cgroupMounts("25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", v2,
                          sizeof(v2), v1, sizeof(v1));
   assert_string_equal(v2, "/sys/fs/cgroup");
   assert_string_equal(v1, "");
}

static void test_cgroup_limit(void** state) {
   (void)state;
   uint64_t bytes;
   bool limited;
   assert_true(ProcParse_cgroupLimit("max\n", &bytes, &limited));
   assert_false(limited);
   assert_true(ProcParse_cgroupLimit("9223372036854771712\n", &bytes, &limited));
   assert_false(limited);
   assert_true(ProcParse_cgroupLimit("536870912\n", &bytes, &limited));
   assert_true(limited);
   assert_int_equal(bytes, 536870912);
   assert_false(ProcParse_cgroupLimit("", &bytes, &limited));
}

static void test_python_paths_and_maps(void** state) {
   (void)state;
   assert_true(ProcParse_isPythonPath("/usr/bin/python3.11"));
   assert_true(ProcParse_isPythonPath("/usr/bin/python3"));
   assert_true(ProcParse_isPythonPath("/root/.pyenv/versions/3.11.7/bin/python3.11"));
   assert_true(ProcParse_isPythonPath("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0"));
   assert_true(ProcParse_isPythonPath("/opt/py/bin/python3.13t"));
   assert_false(ProcParse_isPythonPath("/usr/bin/python3.11-config"));
   assert_false(ProcParse_isPythonPath("/usr/bin/pythonista"));
   assert_false(ProcParse_isPythonPath("/usr/bin/bash"));
   assert_false(ProcParse_isPythonPath("/srv/app/python3_helper.py"));
   const char* uwsgiMaps =
         "55d0c0a00000-55d0c0a8f000 r--p 00000000 08:01 1311 /usr/bin/uwsgi-core\n"
         "7f1e2a000000-7f1e2a0c0000 r--p 00000000 08:01 2240 "
         "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0\n";
   assert_true(ProcParse_mapsHavePython(uwsgiMaps));
   const char* loaderMaps =
         "7f00000000-7f00001000 r-xp 00000000 08:01 99 /tmp/py313/usr/bin/python3.13 (deleted)\n";
   assert_true(ProcParse_mapsHavePython(loaderMaps));
   assert_false(
         ProcParse_mapsHavePython("7f0-7f1 r--p 0 08:01 1 /usr/bin/bash\n7f2-7f3 rw-p 0 0:0 0\n"));
}

static void test_command_names(void** state) {
   (void)state;
   char name[64];
   static const char gunicorn[] = "/usr/bin/python3\0/usr/bin/gunicorn\0-w\0004\0app:app\0";
   ProcParse_commandName(gunicorn, sizeof(gunicorn) - 1, name, sizeof(name));
   assert_string_equal(name, "gunicorn");
   static const char titled[] = "gunicorn: worker [app:app]\0\0\0";
   ProcParse_commandName(titled, sizeof(titled) - 1, name, sizeof(name));
   assert_string_equal(name, "gunicorn");
   static const char celery[] = "python3\0-u\0-m\0celery\0-A\0proj\0worker\0";
   ProcParse_commandName(celery, sizeof(celery) - 1, name, sizeof(name));
   assert_string_equal(name, "celery");
   static const char uwsgi[] = "/usr/bin/uwsgi\0--ini\0app.ini\0";
   ProcParse_commandName(uwsgi, sizeof(uwsgi) - 1, name, sizeof(name));
   assert_string_equal(name, "uwsgi");
   static const char demo[] = "python3\0/usr/share/leaktop/demo_service.py\0--workers\0004\0";
   ProcParse_commandName(demo, sizeof(demo) - 1, name, sizeof(name));
   assert_string_equal(name, "demo_service");
   static const char bare[] = "/usr/bin/python3.11\0";
   ProcParse_commandName(bare, sizeof(bare) - 1, name, sizeof(name));
   assert_string_equal(name, "python3.11");
   /* Found by fuzz_procparse: a last argument without its NUL is read no
      further than len (the bytes after it belong to someone else). */
   static const char unterminated[] = "python3\0/srv/app.pyTRAILING";
   ProcParse_commandName(unterminated, sizeof("python3\0/srv/app.py") - 1, name, sizeof(name));
   assert_string_equal(name, "app");
   static const char flag[] = "python3\0-uX";
   ProcParse_commandName(flag, sizeof("python3\0-u") - 1, name, sizeof(name));
   assert_string_equal(name, "python3");
}

static void test_sanitize_hostile_command_lines(void** state) {
   (void)state;
   char out[32];
   static const char argv[] = "python3\0-c\0print(1)\0";
   Text_sanitize(argv, sizeof(argv) - 1, out, sizeof(out));
   assert_string_equal(out, "python3 -c print(1)");
   /* Escape sequences and invalid UTF-8 never reach the terminal. */
   static const char hostile[] = "a\033[2Jb\xff\xc3(c\xe2\x82\xac";
   Text_sanitize(hostile, sizeof(hostile) - 1, out, sizeof(out));
   assert_string_equal(out, "a?[2Jb?"
                            "?(c\xe2\x82\xac");
   /* C1 controls (U+0080..U+009F) in UTF-8 form are escapes too. */
   static const char c1[] = "x\xc2\x9by";
   Text_sanitize(c1, sizeof(c1) - 1, out, sizeof(out));
   assert_string_equal(out, "x??y");
   /* Truncation never splits a character. */
   char small[5];
   static const char euro[] = "ab\xe2\x82\xac";
   Text_sanitize(euro, sizeof(euro) - 1, small, sizeof(small));
   assert_string_equal(small, "ab");
}

static int released[8];
static int releasedCount;

static void release_handle(void* context, int handle) {
   assert_ptr_equal(context, released);
   released[releasedCount++] = handle;
}

/* Handles go back to the caller when no entry keeps them any more. */
static void test_status_cache_handles(void** state) {
   (void)state;
   StatusCache cache;
   StatusCache_init(&cache);
   ProcStatus read = {.memKnown = true}, got;
   uint64_t h = StatusCache_hash("1 (a) S");
   StatusCache_store(&cache, 30, h, 5, &read);
   StatusCache_store(&cache, 20, h, 6, &read);
   StatusCache_store(&cache, 10, h, -1, &read);
   StatusCache_endTick(&cache, release_handle, released);
   assert_int_equal(releasedCount, 0);
   assert_int_equal(StatusCache_handle(&cache, 30), 5);
   assert_int_equal(StatusCache_handle(&cache, 20), 6);
   assert_int_equal(StatusCache_handle(&cache, 40), -1);
   /* 30 keeps its handle, 20 gets a new one (its PID was reused), 10 is gone. */
   assert_true(StatusCache_reuse(&cache, 30, h, 5, &got));
   StatusCache_store(&cache, 20, h, 7, &read);
   StatusCache_endTick(&cache, release_handle, released);
   assert_int_equal(releasedCount, 1);
   assert_int_equal(released[0], 6);
   StatusCache_done(&cache, release_handle, released);
   assert_int_equal(releasedCount, 3);
   assert_true((released[1] == 5 && released[2] == 7) || (released[1] == 7 && released[2] == 5));
}

/* Status is read again when stat changes, when a process is new, and at
   least every STATUS_CACHE_REFRESH ticks; a process gone is forgotten. */
static void test_status_cache(void** state) {
   (void)state;
   StatusCache cache;
   StatusCache_init(&cache);
   ProcStatus read = {.memKnown = true, .rssKiB = 100}, got;
   uint64_t idle = StatusCache_hash("10 (python3) S 1 0");
   uint64_t busy = StatusCache_hash("10 (python3) R 1 7");
   assert_true(idle != busy);
   /* PID 10's first refresh is due at tick 10 - 10 % 10 = 10; PID 13's at 7. */
   assert_false(StatusCache_reuse(&cache, 10, idle, -1, &got));
   StatusCache_store(&cache, 10, idle, -1, &read);
   assert_false(StatusCache_reuse(&cache, 13, idle, -1, &got));
   StatusCache_store(&cache, 13, idle, -1, &read);
   StatusCache_endTick(&cache, NULL, NULL);
   int reads10 = 0, reads13 = 0;
   for (int tick = 1; tick <= 30; tick++) {
      pid_t pids[] = {13, 10};
      for (int k = 0; k < 2; k++) {
         if (StatusCache_reuse(&cache, pids[k], idle, -1, &got)) {
            assert_int_equal(got.rssKiB, 100);
         } else {
            StatusCache_store(&cache, pids[k], idle, -1, &read);
            *(pids[k] == 10 ? &reads10 : &reads13) += 1;
         }
      }
      StatusCache_endTick(&cache, NULL, NULL);
   }
   /* Unchanged for 30 ticks: read again every 10, not every tick. */
   assert_int_equal(reads10, 3);
   assert_int_equal(reads13, 3);
   /* A changed stat is read at once. */
   assert_false(StatusCache_reuse(&cache, 10, busy, -1, &got));
   StatusCache_store(&cache, 10, busy, -1, &read);
   StatusCache_endTick(&cache, NULL, NULL);
   /* 13 was not sampled in that tick: it is gone, and read anew. */
   assert_false(StatusCache_reuse(&cache, 13, idle, -1, &got));
   assert_true(StatusCache_reuse(&cache, 10, busy, -1, &got));
   StatusCache_endTick(&cache, NULL, NULL);
   /* Many processes: the arrays grow and stay sorted. */
   for (int tick = 0; tick < 2; tick++) {
      for (pid_t pid = 2000; pid > 0; pid -= 3)
         if (!StatusCache_reuse(&cache, pid, idle, -1, &got))
            StatusCache_store(&cache, pid, idle, -1, &read);
      StatusCache_endTick(&cache, NULL, NULL);
   }
   assert_int_equal(cache.count, 667);
   for (int i = 1; i < cache.count; i++)
      assert_true(cache.entries[i - 1].pid < cache.entries[i].pid);
   StatusCache_done(&cache, NULL, NULL);
}

static void test_tcp_lines(void** state) {
   (void)state;
   unsigned st;
   unsigned long inode;
   /* Recorded from /proc/net/tcp and tcp6 (Linux 6.x) with gunicorn on 127.0.0.1. */
   assert_false(ProcParse_inetSocket("  sl  local_address rem_address   st tx_queue rx_queue tr "
                                     "tm->when retrnsmt   uid  timeout inode",
                                     &st, &inode));
   assert_true(ProcParse_inetSocket("   0: 0100007F:A3C5 00000000:0000 0A 00000000:00000000 "
                                    "00:00000000 00000000     0        0 5183317 1 "
                                    "00000000d309deb9 100 0 0 10 0",
                                    &st, &inode));
   assert_int_equal(st, PROC_TCP_LISTEN);
   assert_int_equal(inode, 5183317);
   assert_true(ProcParse_inetSocket("   3: 0100007F:A3C5 0100007F:D4F2 01 00000000:00000000 "
                                    "00:00000000 00000000     0        0 5190042 1 "
                                    "000000006245aac5 20 4 30 10 -1",
                                    &st, &inode));
   assert_int_equal(st, PROC_TCP_ESTABLISHED);
   assert_int_equal(inode, 5190042);
   /* TIME_WAIT: no socket owns it any more (inode 0). */
   assert_true(ProcParse_inetSocket("   1: 020200C0:9E52 507100CB:0050 06 00000000:00000000 "
                                    "03:000008A1 00000000     0        0 0 3 000000006245aac5",
                                    &st, &inode));
   assert_int_equal(st, 0x06);
   assert_int_equal(inode, 0);
   assert_true(ProcParse_inetSocket(
         "   0: 00000000000000000000000001000000:1F90 "
         "00000000000000000000000001000000:C350 01 00000000:00000000 02:0000A2D4 00000000  "
         "1000        0 71234 2 0000000033f5e7c4 20 4 28 10 -1",
         &st, &inode));
   assert_int_equal(st, PROC_TCP_ESTABLISHED);
   assert_int_equal(inode, 71234);
   assert_false(ProcParse_inetSocket("   0: 0100007F:A3C5 garbage", &st, &inode));
}

static void test_socket_links(void** state) {
   (void)state;
   unsigned long inode = 0;
   assert_true(ProcParse_socketInode("socket:[5190042]", &inode));
   assert_int_equal(inode, 5190042);
   assert_false(ProcParse_socketInode("pipe:[272711]", &inode));
   assert_false(ProcParse_socketInode("socket:[5190042", &inode));
   assert_false(ProcParse_socketInode("socket:[]", &inode));
   assert_false(ProcParse_socketInode("/tmp/socket:[1]", &inode));
}

/* A recorded file of tests/unit/data/proc, NUL-terminated. */
static char* ProcParseTest_load(const char* name) {
   char path[512];
   snprintf(path, sizeof(path), "%s/%s", PROC_DATA, name);
   FILE* f = fopen(path, "r");
   assert_non_null(f);
   static char text[16384];
   size_t n = fread(text, 1, sizeof(text) - 1, f);
   fclose(f);
   text[n] = '\0';
   return text;
}

/* Counts the parsed lines of a table and the inodes found in each state. */
static int ProcParseTest_inetTable(const char* name, unsigned long* stateOf,
                                   const unsigned long* inodes, int count) {
   int parsed = 0;
   for (const char* line = ProcParseTest_load(name); line && *line;) {
      unsigned st;
      unsigned long inode;
      if (ProcParse_inetSocket(line, &st, &inode)) {
         parsed++;
         for (int i = 0; i < count; i++)
            if (inodes[i] == inode)
               stateOf[i] = st;
      }
      line = strchr(line, '\n');
      line = line ? line + 1 : NULL;
   }
   return parsed;
}

/* Recorded from a Python process holding a listener, an established pair,
   a connection whose peer closed (CLOSE_WAIT), UDP, a v6 listener, a unix
   socketpair, a pipe, epoll, eventfd and a file (Linux 6.18). */
static void test_socket_tables(void** state) {
   (void)state;
   const unsigned long inodes[] = {29143, 29144, 29145, 29147, 29148, 29149};
   unsigned long states[6] = {0};
   assert_int_equal(ProcParseTest_inetTable("net-tcp", states, inodes, 6), 6);
   assert_int_equal(states[0], PROC_TCP_LISTEN);
   assert_int_equal(states[1], PROC_TCP_ESTABLISHED);
   assert_int_equal(states[2], PROC_TCP_ESTABLISHED);
   assert_int_equal(states[3], PROC_TCP_CLOSE_WAIT);
   assert_int_equal(ProcParseTest_inetTable("net-tcp6", states, inodes, 6), 1);
   assert_int_equal(states[5], PROC_TCP_LISTEN);
   assert_int_equal(ProcParseTest_inetTable("net-udp", states, inodes, 6), 1);
   assert_int_equal(states[4], 0x07);

   int unixLines = 0;
   bool pair[2] = {false, false};
   for (const char* line = ProcParseTest_load("net-unix"); line && *line;) {
      unsigned long inode;
      if (ProcParse_unixSocket(line, &inode)) {
         unixLines++;
         pair[0] |= inode == 29150;
         pair[1] |= inode == 29151;
      }
      line = strchr(line, '\n');
      line = line ? line + 1 : NULL;
   }
   assert_true(unixLines >= 2);
   assert_true(pair[0] && pair[1]);
   unsigned long inode;
   assert_false(
         ProcParse_unixSocket("Num       RefCount Protocol Flags    Type St Inode Path", &inode));
   assert_false(ProcParse_unixSocket("00000000885b3e73: 00000003 00000000", &inode));
   assert_true(ProcParse_unixSocket(
         "0000000011f2a2c4: 00000002 00000000 00010000 0001 01 23211 /run/systemd/notify", &inode));
   assert_int_equal(inode, 23211);
   /* State 0 is no TCP state; a hostile table cannot make one index past the counts. */
   assert_false(ProcParse_inetSocket("   0: 0100007F:A3C5 00000000:0000 00 00000000:00000000 "
                                     "00:00000000 00000000     0        0 5 1",
                                     &(unsigned){0}, &inode));
}

static void test_fd_kinds(void** state) {
   (void)state;
   int kinds[PROC_FD_OTHER + 1] = {0};
   int sockets = 0;
   for (const char* line = ProcParseTest_load("fd-links"); line && *line;) {
      char link[128];
      const char* space = strchr(line, ' ');
      const char* eol = strchr(line, '\n');
      assert_non_null(space);
      size_t len = (size_t)((eol ? eol : line + strlen(line)) - space - 1);
      snprintf(link, sizeof(link), "%.*s", (int)len, space + 1);
      kinds[ProcParse_fdKind(link)]++;
      unsigned long inode;
      sockets += ProcParse_socketInode(link, &inode);
      line = eol ? eol + 1 : NULL;
   }
   assert_int_equal(kinds[PROC_FD_FILE], 5);
   assert_int_equal(kinds[PROC_FD_SOCKET], 8);
   assert_int_equal(sockets, 8);
   assert_int_equal(kinds[PROC_FD_PIPE], 3);
   assert_int_equal(kinds[PROC_FD_EPOLL], 1);
   assert_int_equal(kinds[PROC_FD_EVENTFD], 1);
   assert_int_equal(kinds[PROC_FD_OTHER], 0);
   assert_int_equal(ProcParse_fdKind("anon_inode:[timerfd]"), PROC_FD_OTHER);
   assert_int_equal(ProcParse_fdKind("anon_inode:inotify"), PROC_FD_OTHER);
   assert_int_equal(ProcParse_fdKind("net:[4026531840]"), PROC_FD_OTHER);
   assert_int_equal(ProcParse_fdKind(""), PROC_FD_OTHER);
}

static void test_open_files_limit(void** state) {
   (void)state;
   uint64_t soft = 0;
   bool unlimited = true;
   assert_true(ProcParse_openFilesLimit(ProcParseTest_load("limits"), &soft, &unlimited));
   assert_int_equal(soft, 20000);
   assert_false(unlimited);
   assert_true(ProcParse_openFilesLimit("Max open files            unlimited            unlimited"
                                        "            files     \n",
                                        &soft, &unlimited));
   assert_true(unlimited);
   assert_false(
         ProcParse_openFilesLimit("Max processes 96368 96368 processes\n", &soft, &unlimited));
   assert_false(ProcParse_openFilesLimit("Max open files            x\n", &soft, &unlimited));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_keyed_value),
         cmocka_unit_test(test_tcp_lines),
         cmocka_unit_test(test_socket_links),
         cmocka_unit_test(test_socket_tables),
         cmocka_unit_test(test_fd_kinds),
         cmocka_unit_test(test_open_files_limit),
         cmocka_unit_test(test_status_in_one_pass),
         cmocka_unit_test(test_ns_pid),
         cmocka_unit_test(test_stat_fields),
         cmocka_unit_test(test_stat_exit_code_with_hostile_comm),
         cmocka_unit_test(test_children_list),
         cmocka_unit_test(test_cgroup_paths_v2_and_hybrid),
         cmocka_unit_test(test_cgroup_mounts),
         cmocka_unit_test(test_cgroup_limit),
         cmocka_unit_test(test_python_paths_and_maps),
         cmocka_unit_test(test_command_names),
         cmocka_unit_test(test_sanitize_hostile_command_lines),
         cmocka_unit_test(test_status_cache),
         cmocka_unit_test(test_status_cache_handles),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
