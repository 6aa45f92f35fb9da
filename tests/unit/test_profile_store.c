/* The profile store (stacks/ProfileStore) and the watch over a private
   store (util/PrivateStore) that `leaktop record` polls: saved profiles
   read back, only new files listed and each once, old ones pruned, links
   refused. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "TempDir.h"
#include "stacks/ProfileStore.h"
#include "util/PrivateStore.h"
#include "util/XUtils.h"

typedef struct Fixture {
   char base[256];
   char dir[320];
   ProfileStore store;
} Fixture;

static int setup(void** state) {
   Fixture* f = xCalloc(1, sizeof(*f));
   if (TempDir_make(f->base, sizeof(f->base), "leaktop-profiles") != 0)
      return -1;
   snprintf(f->dir, sizeof(f->dir), "%s/leaktop/profiles", f->base);
   char err[256] = "";
   if (!ProfileStore_openIn(&f->store, f->base, "leaktop/profiles", err, sizeof(err))) {
      fprintf(stderr, "%s\n", err);
      return -1;
   }
   *state = f;
   return 0;
}

static int teardown(void** state) {
   Fixture* f = *state;
   ProfileStore_close(&f->store);
   TempDir_remove(f->base);
   free(f);
   return 0;
}

static ProfileInfo info(pid_t pid, unsigned long long ticks, const char* summary) {
   ProfileInfo i;
   memset(&i, 0, sizeof(i));
   i.pid = pid;
   i.startTicks = ticks;
   i.time = 1700000000.25;
   i.samples = 500;
   i.seconds = 5;
   snprintf(i.route, sizeof(i.route), "native");
   snprintf(i.summary, sizeof(i.summary), "%s", summary);
   return i;
}

static void save(Fixture* f, pid_t pid, unsigned long long ticks, const char* folded, char* name) {
   ProfileInfo i = info(pid, ticks, "500 samples in 5.0 s of python3");
   char err[256] = "";
   if (!ProfileStore_save(&f->store, &i, folded, strlen(folded), name, 64, err, sizeof(err)))
      fail_msg("%s", err);
}

static const char FOLDED[] = "main;serve;handle 410\nmain;idle 90\n";

static void test_save_load(void** state) {
   Fixture* f = *state;
   struct stat st;
   assert_int_equal(stat(f->dir, &st), 0);
   assert_int_equal(st.st_mode & 0777, 0700);
   char name[64];
   save(f, 4321, 98765, FOLDED, name);
   assert_string_equal(name, "4321-98765-1.folded");
   char path[512];
   snprintf(path, sizeof(path), "%s/%s", f->dir, name);
   assert_int_equal(stat(path, &st), 0);
   assert_int_equal(st.st_mode & 0777, 0600);

   ProfileInfo got;
   char* folded;
   size_t size;
   char err[256] = "";
   assert_true(ProfileStore_load(&f->store, name, 1024, &got, &folded, &size, err, sizeof(err)));
   assert_string_equal(folded, FOLDED);
   assert_int_equal(size, strlen(FOLDED));
   assert_string_equal(got.route, "native");
   assert_string_equal(got.summary, "500 samples in 5.0 s of python3");
   assert_int_equal(got.samples, 500);
   assert_true(got.time > 1700000000.2 && got.time < 1700000000.3);
   free(folded);
   /* Larger than asked: the size, not the stacks. */
   assert_true(ProfileStore_load(&f->store, name, 10, &got, &folded, &size, err, sizeof(err)));
   assert_null(folded);
   assert_int_equal(size, strlen(FOLDED));

   /* A newline in the summary cannot end the header early. */
   ProfileInfo odd = info(4321, 98765, "two\nlines");
   assert_true(ProfileStore_save(&f->store, &odd, FOLDED, strlen(FOLDED), name, sizeof(name), err,
                                 sizeof(err)));
   assert_string_equal(name, "4321-98765-2.folded");
   assert_true(ProfileStore_load(&f->store, name, 1024, &got, &folded, &size, err, sizeof(err)));
   assert_string_equal(folded, FOLDED);
   assert_null(strchr(got.summary, '\n'));
   free(folded);

   /* Not ours: refused with the reason. */
   snprintf(path, sizeof(path), "%s/4321-98765-9.folded", f->dir);
   FILE* out = fopen(path, "w");
   fputs("main;x 1\n", out);
   fclose(out);
   assert_false(ProfileStore_load(&f->store, "4321-98765-9.folded", 1024, &got, &folded, &size, err,
                                  sizeof(err)));
   assert_non_null(strstr(err, "not a leaktop profile"));

   /* Only the newest few of a generation are kept. */
   for (int i = 0; i < PROFILESTORE_KEEP + 2; i++)
      save(f, 4321, 98765, FOLDED, name);
   PrivateEntry* entries;
   int count = PrivateStore_list(&f->store, &entries);
   assert_int_equal(count, PROFILESTORE_KEEP);
   free(entries);
   ProfileInfo none = info(0, 0, "");
   assert_false(
         ProfileStore_save(&f->store, &none, FOLDED, strlen(FOLDED), NULL, 0, err, sizeof(err)));
   assert_non_null(strstr(err, "generation"));
}

static void test_watch(void** state) {
   Fixture* f = *state;
   char name[64];
   save(f, 100, 1, FOLDED, name); /* before the watch began */
   /* Past the watch's slack for the kernel's coarse file times. */
   struct timespec pause = {0, 150 * 1000 * 1000};
   nanosleep(&pause, NULL);
   PrivateWatch watch;
   PrivateWatch_init(&watch, XUtils_wallNow());
   PrivateEntry out[4];
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 4), 0);
   /* Named right after the watch began: new, whatever the coarse clock. */

   save(f, 200, 2, FOLDED, name);
   save(f, 300, 3, FOLDED, name);
   save(f, 400, 4, FOLDED, name);
   /* Bounded: two now, the third at the next poll, each once. */
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 2), 2);
   assert_int_equal(out[0].pid, 200);
   assert_int_equal(out[1].pid, 300);
   assert_int_equal(out[0].ticks, 2);
   assert_true(out[0].size > (off_t)strlen(FOLDED));
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 4), 1);
   assert_int_equal(out[0].pid, 400);
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 4), 0);
   /* A file being written is not a result yet. */
   char path[512];
   snprintf(path, sizeof(path), "%s/.tmp-1-500-5-1.folded", f->dir);
   FILE* tmp = fopen(path, "w");
   fclose(tmp);
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 4), 0);
   /* The next save of a known generation is new again. */
   save(f, 200, 2, FOLDED, name);
   assert_int_equal(PrivateWatch_poll(&watch, &f->store, out, 4), 1);
   assert_string_equal(out[0].name, "200-2-2.folded");
   PrivateWatch_done(&watch);
}

static void setAge(const char* path, double now, double age) {
   struct timespec times[2];
   times[0].tv_sec = times[1].tv_sec = (time_t)(now - age);
   times[0].tv_nsec = times[1].tv_nsec = 0;
   assert_int_equal(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_prune(void** state) {
   Fixture* f = *state;
   double now = XUtils_wallNow();
   char name[64], path[512];
   save(f, 10, 1, FOLDED, name);
   snprintf(path, sizeof(path), "%s/%s", f->dir, name);
   setAge(path, now, PROFILESTORE_MAX_AGE + 60.0);
   save(f, 11, 1, FOLDED, name);
   char before[512];
   snprintf(before, sizeof(before), "%s/%s", f->dir, name);
   setAge(before, now, 2 * 86400.0); /* before the boot below */
   save(f, 12, 1, FOLDED, name);
   char kept[512];
   snprintf(kept, sizeof(kept), "%s/%s", f->dir, name);
   snprintf(path, sizeof(path), "%s/README", f->dir);
   FILE* out = fopen(path, "w");
   fclose(out);
   assert_int_equal(ProfileStore_prune(&f->store, now, now - 86400.0), 2);
   assert_int_equal(access(before, F_OK), -1);
   assert_int_equal(access(kept, F_OK), 0);
   assert_int_equal(access(path, F_OK), 0); /* not ours: left alone */
   /* Beyond the count, the oldest go. */
   for (int i = 0; i < PROFILESTORE_MAX_FILES + 3; i++)
      save(f, 1000 + i, 1, FOLDED, name);
   assert_int_equal(ProfileStore_prune(&f->store, now + 1, now - 86400.0), 4);
   PrivateEntry* entries;
   int count = PrivateStore_list(&f->store, &entries);
   assert_int_equal(count, PROFILESTORE_MAX_FILES);
   free(entries);
}

static void test_links_refused(void** state) {
   Fixture* f = *state;
   char err[256] = "";
   /* A directory that is a link. */
   char link[512];
   snprintf(link, sizeof(link), "%s/leaktop/elsewhere", f->base);
   assert_int_equal(symlink("/tmp", link), 0);
   ProfileStore other;
   assert_false(ProfileStore_openIn(&other, f->base, "leaktop/elsewhere", err, sizeof(err)));
   assert_non_null(strstr(err, "symbolic link"));
   assert_int_equal(other.dirFd, -1);
   /* A directory open to others. */
   char open[512];
   snprintf(open, sizeof(open), "%s/leaktop/open", f->base);
   assert_int_equal(mkdir(open, 0755), 0);
   assert_false(ProfileStore_openIn(&other, f->base, "leaktop/open", err, sizeof(err)));
   assert_non_null(strstr(err, "mode 0755"));
   /* A result that is a link is neither listed nor read. */
   char secret[512], path[512];
   snprintf(secret, sizeof(secret), "%s/secret", f->base);
   FILE* out = fopen(secret, "w");
   fputs("# leaktop profile 1\n\nsecret;stack 1\n", out);
   fclose(out);
   snprintf(path, sizeof(path), "%s/77-1-1.folded", f->dir);
   assert_int_equal(symlink(secret, path), 0);
   PrivateEntry* entries;
   assert_int_equal(PrivateStore_list(&f->store, &entries), 0);
   free(entries);
   ProfileInfo got;
   char* folded;
   size_t size;
   assert_false(ProfileStore_load(&f->store, "77-1-1.folded", 1024, &got, &folded, &size, err,
                                  sizeof(err)));
   assert_non_null(strstr(err, strerror(ELOOP)));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
         cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
         cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
         cmocka_unit_test_setup_teardown(test_links_refused, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
