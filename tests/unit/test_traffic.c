/* Traffic sources: the parsers on lines recorded from real hosts and a real
   gunicorn access log, then the sources themselves on I/O the test owns
   (temp files, a command, a loopback connection of its own). */
#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/ProcessTree.h"
#include "traffic/Traffic.h"
#include "traffic/TrafficChoice.h"
#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

static void test_log_lines(void** state) {
   (void)state;
   pid_t pid = 0;
   /* gunicorn --access-logformat '%(p)s %(r)s %(s)s', recorded. */
   assert_int_equal(TrafficParse_logLine("<48213> GET /work?ms=20 HTTP/1.0 200", NULL, &pid),
                    TRAFFIC_LOG_PID);
   assert_int_equal(pid, 48213);
   /* gunicorn's default format carries no PID: the line is the tree's. */
   assert_int_equal(TrafficParse_logLine("127.0.0.1 - - [21/Nov/2025:13:25:01 +0000] \"GET / "
                                         "HTTP/1.0\" 200 9 \"-\" \"Python-urllib/3.13\"",
                                         NULL, &pid),
                    TRAFFIC_LOG_TREE);
   assert_int_equal(TrafficParse_logLine("<script> then <77>", NULL, &pid), TRAFFIC_LOG_PID);
   assert_int_equal(pid, 77);
   regex_t re;
   assert_int_equal(regcomp(&re, "^pid=([0-9]+) .* (2[0-9][0-9])$", REG_EXTENDED), 0);
   assert_int_equal(TrafficParse_logLine("pid=301 GET / 200", &re, &pid), TRAFFIC_LOG_PID);
   assert_int_equal(pid, 301);
   assert_int_equal(TrafficParse_logLine("pid=301 GET / 500", &re, &pid), TRAFFIC_LOG_SKIP);
   regfree(&re);
   /* A regex without a group selects lines only. */
   assert_int_equal(regcomp(&re, " 200$", REG_EXTENDED), 0);
   assert_int_equal(TrafficParse_logLine("<12> GET / 200", &re, &pid), TRAFFIC_LOG_TREE);
   regfree(&re);
}

static void test_counters(void** state) {
   (void)state;
   pid_t pid = 0;
   double count = 0;
   assert_int_equal(TrafficParse_counterLine("4242 1500", &pid, &count), 2);
   assert_int_equal(pid, 4242);
   assert_true(count == 1500);
   assert_int_equal(TrafficParse_counterLine("  4243\t17\n", &pid, &count), 2);
   assert_int_equal(pid, 4243);
   assert_int_equal(TrafficParse_counterLine("98765", &pid, &count), 1);
   assert_true(count == 98765);
   assert_int_equal(TrafficParse_counterLine("requests 12", &pid, &count), 0);
   assert_int_equal(TrafficParse_counterLine("12 x", &pid, &count), 0);
   assert_int_equal(TrafficParse_counterLine("-3", &pid, &count), 0);
   assert_int_equal(TrafficParse_counterLine("1 2 3", &pid, &count), 0);
   assert_true(TrafficParse_counterDelta(10, 15) == 5);
   /* Went back: reset to 0 then counted 3. */
   assert_true(TrafficParse_counterDelta(15, 3) == 3);
   const char* text = "a\nbcdef\n\nlast";
   char line[4];
   assert_true(TrafficParse_nextLine(&text, line, sizeof(line)));
   assert_string_equal(line, "a");
   assert_true(TrafficParse_nextLine(&text, line, sizeof(line)));
   assert_string_equal(line, "bcd");
   assert_true(TrafficParse_nextLine(&text, line, sizeof(line)));
   assert_string_equal(line, "");
   assert_true(TrafficParse_nextLine(&text, line, sizeof(line)));
   assert_string_equal(line, "las");
   assert_false(TrafficParse_nextLine(&text, line, sizeof(line)));
}

static void test_io_reads(void** state) {
   (void)state;
   double reads = 0;
   /* /proc/PID/io, Linux 6.x. */
   assert_true(TrafficParse_ioReads("rchar: 6976\nwchar: 0\nsyscr: 10\nsyscw: 0\n"
                                    "read_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n",
                                    &reads));
   assert_true(reads == 10);
   assert_true(TrafficParse_ioReads("syscr: 18446744073709551615", &reads));
   assert_false(TrafficParse_ioReads("rchar: 6976\nwchar: 0\n", &reads));
   assert_false(TrafficParse_ioReads("syscr: -4\n", &reads));
   assert_false(TrafficParse_ioReads("syscr: 4x\n", &reads));
   assert_false(TrafficParse_ioReads("rsyscr: 4\n", &reads));
   assert_false(TrafficParse_ioReads("", &reads));
}

/* Trimmed from what Debian's uwsgi 2.0.21 (--stats) sent for a master and
   three workers, the third one not running at that moment. */
static const char UWSGI_STATS[] =
      "{\n\t\"version\":\"2.0.21-debian\",\n\t\"listen_queue\":0,\n\t\"pid\":25442,\n"
      "\t\"sockets\":[{\"name\":\"127.0.0.1:38867\",\"proto\":\"http\",\"queue\":0}],\n"
      "\t\"workers\":[\n\t\t{\n\t\t\t\"id\":1,\n\t\t\t\"pid\":101,\n\t\t\t\"accepting\":1,\n"
      "\t\t\t\"requests\":8,\n\t\t\t\"delta_requests\":8,\n\t\t\t\"exceptions\":0,\n"
      "\t\t\t\"status\":\"idle\",\n\t\t\t\"apps\":[{\"id\":0,\"requests\":8}],\n"
      "\t\t\t\"cores\":[{\"id\":0,\"requests\":8,\"vars\":[\n\n\t\t\t],\"req_info\":"
      "\t\t\t\t\t{\n\n\t\t\t}}]\n\t\t},\n"
      "\t\t{\"id\":2,\"pid\":102,\"requests\":24,\"status\":\"idle\"},\n"
      "\t\t{\"id\":3,\"pid\":0,\"requests\":0,\"status\":\"cheap\"}\n\t]\n}\n";

static void test_uwsgi_stats(void** state) {
   (void)state;
   TrafficWorkerCount* w;
   assert_int_equal(TrafficParse_uwsgiStats(UWSGI_STATS, &w), 2);
   assert_int_equal(w[0].pid, 101);
   assert_true(w[0].requests == 8);
   assert_int_equal(w[1].pid, 102);
   assert_true(w[1].requests == 24);
   free(w);
   assert_int_equal(TrafficParse_uwsgiStats("{\"workers\":[]}", &w), 0);
   free(w);
   /* Malformed workers are left out; what is not a stats document is refused. */
   assert_int_equal(TrafficParse_uwsgiStats("{\"workers\":[{\"pid\":7,\"requests\":-1},"
                                            "{\"pid\":\"8\",\"requests\":1},{\"pid\":9},"
                                            "{\"pid\":10,\"requests\":1.5},3,"
                                            "{\"pid\":4294967297,\"requests\":1},"
                                            "{\"pid\":11,\"requests\":2}]}",
                                            &w),
                    1);
   assert_int_equal(w[0].pid, 11);
   free(w);
   static const char* const bad[] = {"",
                                     "{",
                                     "[]",
                                     "{\"workers\":{}}",
                                     "{\"pid\":1}",
                                     "{\"workers\":[{\"pid\":1,\"requests\":1}"};
   for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      assert_int_equal(TrafficParse_uwsgiStats(bad[i], &w), -1);
      assert_null(w);
   }
}

/* ---- sources on a tree of fake processes: 100 (master), 101, 102 ------- */

typedef struct Fixture {
   ProcessTree* tree;
   ProcSample samples[3];
   TrafficInput in;
   char dir[64];
   char path[96];
} Fixture;

static Fixture* fixture_new(pid_t root) {
   Fixture* f = calloc(1, sizeof(*f));
   assert_non_null(f);
   f->tree = ProcessTree_new(Process_new(root, 1, 1.0, 0));
   ProcessTree_add(f->tree, Process_new(101, 2, 1.0, 0));
   ProcessTree_add(f->tree, Process_new(102, 3, 1.0, 0));
   ProcessTree_reorder(f->tree);
   pid_t pids[3] = {root, 101, 102};
   for (int i = 0; i < 3; i++)
      f->samples[i] =
            (ProcSample){.pid = pids[i], .startTicks = (unsigned long long)i + 1, .state = 'S'};
   if (root > 102) { /* keep the samples sorted by PID */
      ProcSample s = f->samples[0];
      f->samples[0] = f->samples[1];
      f->samples[1] = f->samples[2];
      f->samples[2] = s;
   }
   f->in = (TrafficInput){&f->tree, 1, f->samples, 3, 1.0};
   snprintf(f->dir, sizeof(f->dir), "/tmp/leaktop-traffic.XXXXXX");
   assert_non_null(mkdtemp(f->dir));
   snprintf(f->path, sizeof(f->path), "%s/access.log", f->dir);
   return f;
}

static void fixture_delete(Fixture* f) {
   ProcessTree_delete(f->tree);
   char cmd[128];
   snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
   assert_int_equal(system(cmd), 0);
   free(f);
}

static void append(const char* path, const char* mode, const char* text) {
   FILE* fp = fopen(path, mode);
   assert_non_null(fp);
   fputs(text, fp);
   fclose(fp);
}

static Process* proc(const Fixture* f, pid_t pid) {
   Process* p = ProcessTree_find(f->tree, pid);
   assert_non_null(p);
   return p;
}

static void assert_traffic(const Fixture* f, double root, double w1, double w2) {
   assert_true(proc(f, 100)->trafficKnown);
   assert_true(fabs(proc(f, 100)->trafficDelta - root) < 1e-9);
   assert_true(fabs(proc(f, 101)->trafficDelta - w1) < 1e-9);
   assert_true(fabs(proc(f, 102)->trafficDelta - w2) < 1e-9);
}

static void test_log_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(100);
   append(f->path, "w", "<101> GET / HTTP/1.0 200\n<101> old lines are not counted\n");
   char spec[128], err[256];
   snprintf(spec, sizeof(spec), "log:%s", f->path);
   TrafficSource* t = Traffic_new(spec, err, sizeof(err));
   assert_non_null(t);
   assert_string_equal(Traffic_displayName(t), "access log");

   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 0, 0);
   assert_true(proc(f, 101)->idle);

   append(f->path, "a",
          "<101> GET /a HTTP/1.0 200\n<101> GET /b HTTP/1.0 200\n"
          "<102> GET /c HTTP/1.0 200\n<999> GET /other-service HTTP/1.0 200\n"
          "<101> GET /d HTTP/1.0 20");
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 2, 1);
   assert_false(proc(f, 101)->idle);
   assert_false(f->tree->trafficSplit);

   /* The partial line completes; a line without a PID is shared by the workers. */
   append(f->path, "a", "0\nGET /no-pid HTTP/1.0 200\n");
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 1.5, 0.5);
   assert_true(f->tree->trafficSplit);
   assert_true(fabs(f->tree->trafficDelta - 2) < 1e-9);

   /* Rotation by rename: the rest of the old file, then the new one. */
   char old[128];
   snprintf(old, sizeof(old), "%s.1", f->path);
   append(f->path, "a", "<102> GET /last-of-old HTTP/1.0 200\n");
   assert_int_equal(rename(f->path, old), 0);
   append(f->path, "w", "<101> GET /first-of-new HTTP/1.0 200\n");
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 1, 1);

   /* Truncation in place (copytruncate): read again from the start. */
   append(f->path, "a", "<101> GET /x HTTP/1.0 200\n<101> GET /y HTTP/1.0 200\n");
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 2, 0);
   append(f->path, "w", "<102> after\n");
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 0, 1);

   assert_true(fabs(proc(f, 101)->trafficTotal - 6.5) < 1e-9);
   assert_true(fabs(proc(f, 102)->trafficTotal - 3.5) < 1e-9);
   assert_true(fabs(f->tree->trafficTotal - 10) < 1e-9);
   Traffic_delete(t);
   fixture_delete(f);
}

static void test_cmd_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(100);
   char spec[256], err[256];
   snprintf(spec, sizeof(spec), "cmd:cat '%s'", f->path);
   TrafficSource* t = Traffic_new(spec, err, sizeof(err));
   assert_non_null(t);
   append(f->path, "w", "101 40\n102 7\nnot a counter\n12345 9\n");
   Traffic_sample(t, &f->in);
   assert_false(proc(f, 101)->trafficKnown); /* the first reading is the baseline */
   append(f->path, "w", "101 45\n102 7\n");
   Traffic_sample(t, &f->in);
   assert_true(proc(f, 101)->trafficKnown && proc(f, 101)->trafficDelta == 5);
   assert_true(proc(f, 102)->trafficKnown && proc(f, 102)->trafficDelta == 0);
   assert_true(proc(f, 102)->idle);
   assert_false(proc(f, 100)->trafficKnown);
   /* 101 restarted its counter. */
   append(f->path, "w", "101 3\n102 8\n");
   Traffic_sample(t, &f->in);
   assert_true(proc(f, 101)->trafficDelta == 3 && proc(f, 102)->trafficDelta == 1);
   Traffic_delete(t);

   /* One number: the tree's, shared by the two workers. */
   t = Traffic_new(spec, err, sizeof(err));
   assert_non_null(t);
   append(f->path, "w", "1000\n");
   Traffic_sample(t, &f->in);
   append(f->path, "w", "1010\n");
   Traffic_sample(t, &f->in);
   assert_true(f->tree->trafficKnown && f->tree->trafficSplit);
   assert_true(proc(f, 101)->trafficDelta == 5 && proc(f, 102)->trafficDelta == 5);
   assert_false(proc(f, 100)->trafficKnown);
   Traffic_delete(t);

   /* A command that hangs is killed at the timeout; a failing one gives nothing. */
   static const char* const bad[] = {"cmd:echo '101 1'; sleep 20", "cmd:echo '101 1'; exit 3"};
   for (size_t i = 0; i < 2; i++) {
      t = Traffic_new(bad[i], err, sizeof(err));
      assert_non_null(t);
      double start = XUtils_monotonicNow();
      Traffic_sample(t, &f->in);
      Traffic_sample(t, &f->in);
      assert_true(XUtils_monotonicNow() - start < 3.0);
      assert_false(proc(f, 101)->trafficKnown);
      Traffic_delete(t);
   }
   fixture_delete(f);
}

static void test_cpu_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(100);
   char err[256];
   TrafficSource* t = Traffic_new("cpu", err, sizeof(err));
   assert_non_null(t);
   Process* w = proc(f, 101);
   w->cpuTicks = 1000;
   w->cpuBaseline = true;
   f->samples[1].cpuTicks = 1000 + (unsigned long long)ProcSampler_hertz() / 2;
   f->samples[2].cpuTicks = 50; /* 102 has no baseline yet */
   Traffic_sample(t, &f->in);
   assert_true(w->trafficKnown && fabs(w->trafficDelta - 0.5) < 1e-9);
   assert_false(w->idle);
   assert_false(proc(f, 102)->trafficKnown);
   assert_false(proc(f, 102)->idle);
   Traffic_delete(t);
   fixture_delete(f);
}

/* This test process is the tree's root: its own loopback connections. */
static void test_tcp_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(getpid());
   f->samples[2].startTicks = 1;
   Process* self = proc(f, getpid());
   f->samples[2].pid = getpid();
   /* Samples of 101 and 102 have no /proc entries to read: they must not matter. */
   int listener = socket(AF_INET, SOCK_STREAM, 0);
   assert_true(listener >= 0);
   struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
   socklen_t len = sizeof(addr);
   assert_int_equal(bind(listener, (struct sockaddr*)&addr, sizeof(addr)), 0);
   assert_int_equal(listen(listener, 8), 0);
   assert_int_equal(getsockname(listener, (struct sockaddr*)&addr, &len), 0);

   char err[256];
   TrafficSource* t = Traffic_new("tcp", err, sizeof(err));
   assert_non_null(t);
   Traffic_sample(t, &f->in); /* the baseline */
   assert_false(self->trafficKnown);
   int client = socket(AF_INET, SOCK_STREAM, 0);
   assert_int_equal(connect(client, (struct sockaddr*)&addr, sizeof(addr)), 0);
   int served = accept(listener, NULL, NULL);
   assert_true(served >= 0);
   Traffic_sample(t, &f->in);
   /* Both ends are this process's: two established sockets, both new. */
   assert_true(self->trafficKnown);
   assert_true(self->trafficDelta == 2);
   Traffic_sample(t, &f->in);
   assert_true(self->trafficDelta == 0 && self->idle);
   close(client);
   close(served);
   close(listener);
   Traffic_delete(t);
   fixture_delete(f);
}

/* This test process is the tree's root: the reads it makes are counted. */
static void test_io_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(getpid());
   f->samples[2].startTicks = 1;
   f->samples[2].pid = getpid();
   Process* self = proc(f, getpid());
   char err[256];
   TrafficSource* t = Traffic_new("io", err, sizeof(err));
   assert_non_null(t);
   assert_string_equal(Traffic_displayName(t), "read syscalls");
   assert_string_equal(Traffic_unit(t), "reads");
   Traffic_sample(t, &f->in); /* the baseline */
   assert_false(self->trafficKnown);
   int fd = open("/dev/zero", O_RDONLY);
   assert_true(fd >= 0);
   char byte;
   for (int i = 0; i < 50; i++)
      assert_int_equal(read(fd, &byte, 1), 1);
   close(fd);
   Traffic_sample(t, &f->in);
   /* The 50 reads, and the one that read /proc/self/io after the baseline. */
   assert_true(self->trafficKnown);
   assert_true(self->trafficDelta >= 50 && self->trafficDelta <= 52);
   assert_false(proc(f, 101)->trafficKnown); /* no /proc/101/io of this start time */
   Traffic_delete(t);

   /* A process that started after the source's first sample: all its reads
      are traffic, from its first reading on. */
   t = Traffic_new("io", err, sizeof(err));
   assert_non_null(t);
   self->startEpoch = XUtils_wallNow() + 60;
   Traffic_sample(t, &f->in);
   assert_true(self->trafficKnown && self->trafficDelta >= 50);
   Traffic_delete(t);
   fixture_delete(f);
}

/* A stats server that answers each of the documents, one per connection. */
static pid_t serve_stats(const char* path, const char* const* docs, int count) {
   int listener = socket(AF_UNIX, SOCK_STREAM, 0);
   assert_true(listener >= 0);
   struct sockaddr_un addr = {.sun_family = AF_UNIX};
   snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
   assert_int_equal(bind(listener, (struct sockaddr*)&addr, sizeof(addr)), 0);
   assert_int_equal(listen(listener, 8), 0);
   pid_t child = fork();
   assert_true(child >= 0);
   if (child == 0) {
      for (int i = 0; i < count; i++) {
         int c = accept(listener, NULL, NULL);
         if (c < 0)
            _exit(1);
         size_t len = strlen(docs[i]);
         if (write(c, docs[i], len) != (ssize_t)len)
            _exit(1);
         close(c);
      }
      _exit(0);
   }
   close(listener);
   return child;
}

static void test_uwsgi_source(void** state) {
   (void)state;
   Fixture* f = fixture_new(100);
   char spec[160], sock[128], err[256];
   snprintf(sock, sizeof(sock), "%s/stats.sock", f->dir);
   snprintf(spec, sizeof(spec), "uwsgi:%s", sock);
   static const char* const docs[] = {
         "{\"workers\":[{\"pid\":101,\"requests\":0}]}", /* Traffic_new's check */
         "{\"workers\":[{\"pid\":101,\"requests\":40},{\"pid\":102,\"requests\":7},"
         "{\"pid\":999,\"requests\":5}]}",
         "{\"workers\":[{\"pid\":101,\"requests\":45},{\"pid\":102,\"requests\":7}]}",
         "not json",
         /* A count that goes back was reset: all of it is new. */
         "{\"workers\":[{\"pid\":101,\"requests\":46},{\"pid\":102,\"requests\":2}]}",
   };
   pid_t server = serve_stats(sock, docs, 5);
   TrafficSource* t = Traffic_new(spec, err, sizeof(err));
   assert_non_null(t);
   assert_string_equal(Traffic_displayName(t), "uwsgi requests");
   Traffic_sample(t, &f->in);
   /* The baseline: known, none served; the master too. */
   assert_traffic(f, 0, 0, 0);
   assert_true(proc(f, 101)->idle);
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 5, 0);
   assert_true(proc(f, 102)->idle);
   Traffic_sample(t, &f->in);
   assert_false(proc(f, 101)->trafficKnown); /* no document: no value */
   Traffic_sample(t, &f->in);
   assert_traffic(f, 0, 1, 2);
   int status;
   assert_int_equal(waitpid(server, &status, 0), server);
   assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
   /* Nobody answers now. */
   double start = XUtils_monotonicNow();
   Traffic_sample(t, &f->in);
   assert_false(proc(f, 101)->trafficKnown);
   assert_true(XUtils_monotonicNow() - start < 1.0);
   Traffic_delete(t);

   err[0] = '\0';
   assert_null(Traffic_new(spec, err, sizeof(err)));
   assert_non_null(strstr(err, "cannot read uwsgi stats from"));
   unlink(sock);
   static const char* const wrong[] = {"{\"version\":\"2.0.21\"}"};
   server = serve_stats(sock, wrong, 1);
   assert_null(Traffic_new(spec, err, sizeof(err)));
   assert_non_null(strstr(err, "does not answer as a uwsgi stats server"));
   assert_int_equal(waitpid(server, &status, 0), server);
   fixture_delete(f);
}

/* Without --traffic: io for celery trees, the stats server for uwsgi
   masters started with --stats (one address for all), else none. */
static void test_choice(void** state) {
   (void)state;
   char spec[300];
   const char* celery[] = {"celery", "celery"};
   const char* celeryCmd[] = {"/usr/bin/python3 -m celery -A tasks worker", "celery worker"};
   assert_true(TrafficChoice_spec(celery, celeryCmd, 2, spec, sizeof(spec)));
   assert_string_equal(spec, "io");
   const char* uwsgi[] = {"uwsgi"};
   const char* uwsgiCmd[] = {"uwsgi --master --stats 127.0.0.1:9191 --processes 3"};
   assert_true(TrafficChoice_spec(uwsgi, uwsgiCmd, 1, spec, sizeof(spec)));
   assert_string_equal(spec, "uwsgi:127.0.0.1:9191");
   const char* uwsgiEq[] = {"uwsgi --stats=/run/uwsgi.stats --master"};
   assert_true(TrafficChoice_spec(uwsgi, uwsgiEq, 1, spec, sizeof(spec)));
   assert_string_equal(spec, "uwsgi:/run/uwsgi.stats");
   /* No stats server, an option that only starts like it, two servers, a
      mixed host, nothing watched: CPU time stays. */
   const char* noStats[] = {"uwsgi --master --stats-http --processes 3"};
   assert_false(TrafficChoice_spec(uwsgi, noStats, 1, spec, sizeof(spec)));
   const char* two[] = {"uwsgi", "uwsgi"};
   const char* twoCmd[] = {"uwsgi --stats :1", "uwsgi --stats :2"};
   assert_false(TrafficChoice_spec(two, twoCmd, 2, spec, sizeof(spec)));
   const char* mixed[] = {"celery", "gunicorn"};
   assert_false(TrafficChoice_spec(mixed, celeryCmd, 2, spec, sizeof(spec)));
   assert_false(TrafficChoice_spec(mixed, celeryCmd, 0, spec, sizeof(spec)));
}

static void test_specs(void** state) {
   (void)state;
   char err[256];
   static const char* const bad[] = {"bogus",
                                     "log",
                                     "log:",
                                     "tcp:x",
                                     "cpu:1",
                                     "cmd",
                                     "log:/nonexistent/access.log",
                                     "log:/dev/null:(",
                                     "logx:/tmp",
                                     "io:1",
                                     "uwsgi",
                                     "uwsgi:nocolon",
                                     "uwsgi:127.0.0.1:",
                                     "uwsgi:127.0.0.1:no-such-service"};
   for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      err[0] = '\0';
      assert_null(Traffic_new(bad[i], err, sizeof(err)));
      assert_true(err[0] != '\0');
   }
   TrafficSource* t = Traffic_new("cpu", err, sizeof(err));
   assert_string_equal(Traffic_displayName(t), "cpu time");
   Traffic_delete(t);
   t = Traffic_new(NULL, err, sizeof(err));
   assert_string_equal(Traffic_displayName(t), "cpu time (auto)");
   assert_string_equal(Traffic_unit(t), "CPU s");
   Traffic_delete(t);
}

int main(void) {
   const struct CMUnitTest tests[] = {

         cmocka_unit_test(test_log_lines),  cmocka_unit_test(test_counters),
         cmocka_unit_test(test_log_source), cmocka_unit_test(test_cmd_source),
         cmocka_unit_test(test_cpu_source), cmocka_unit_test(test_tcp_source),
         cmocka_unit_test(test_io_reads),   cmocka_unit_test(test_uwsgi_stats),
         cmocka_unit_test(test_io_source),  cmocka_unit_test(test_uwsgi_source),
         cmocka_unit_test(test_choice),     cmocka_unit_test(test_specs),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
