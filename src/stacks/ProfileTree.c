#include "config.h"

#include "stacks/ProfileTree.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

static int ProfileTree_newNode(ProfileTree* t, int parent, const char* name, size_t len) {
   t->nodes = xReallocArray(t->nodes, (size_t)t->count + 1, sizeof(ProfileNode));
   ProfileNode* n = &t->nodes[t->count];
   *n = (ProfileNode){.parent = parent, .depth = parent < 0 ? -1 : t->nodes[parent].depth + 1};
   n->name = xMalloc(len + 1);
   memcpy(n->name, name, len);
   n->name[len] = '\0';
   if (parent >= 0) {
      ProfileNode* p = &t->nodes[parent];
      p->children = xReallocArray(p->children, (size_t)p->childCount + 1, sizeof(int));
      p->children[p->childCount++] = t->count;
   }
   return t->count++;
}

/* The child of parent named name[0..len), made if missing. */
static int ProfileTree_child(ProfileTree* t, int parent, const char* name, size_t len) {
   const ProfileNode* p = &t->nodes[parent];
   for (int i = 0; i < p->childCount; i++) {
      const char* other = t->nodes[p->children[i]].name;
      if (strncmp(other, name, len) == 0 && other[len] == '\0')
         return p->children[i];
   }
   return ProfileTree_newNode(t, parent, name, len);
}

static int ProfileTree_step(ProfileTree* t, int at, const char* name, size_t len, long count) {
   at = ProfileTree_child(t, at, name, len);
   t->nodes[at].total += count;
   return at;
}

typedef enum {
   ORDER_TOTAL, /* highest total first, then by name */
   ORDER_SELF,  /* highest self first, then the order first seen */
   ORDER_NAME,
} ProfileOrder;

/* A node as sorted; the node index breaks the last tie, so every order is
   the same from run to run. */
typedef struct {
   long count;
   const char* name; /* NULL when the name does not count */
   int index;
} ProfileRef;

static int ProfileTree_compare(const void* a, const void* b) {
   const ProfileRef* x = a;
   const ProfileRef* y = b;
   if (x->count != y->count)
      return x->count < y->count ? 1 : -1;
   int c = x->name ? strcmp(x->name, y->name) : 0;
   return c ? c : x->index - y->index;
}

static void ProfileTree_sort(const ProfileTree* t, int* ids, int n, ProfileOrder order) {
   ProfileRef* refs = xMalloc((size_t)(n > 0 ? n : 1) * sizeof(ProfileRef));
   for (int i = 0; i < n; i++) {
      const ProfileNode* node = &t->nodes[ids[i]];
      refs[i] = (ProfileRef){.count = order == ORDER_TOTAL  ? node->total
                                      : order == ORDER_SELF ? node->self
                                                            : 0,
                             .name = order == ORDER_SELF ? NULL : node->name,
                             .index = ids[i]};
   }
   qsort(refs, (size_t)n, sizeof(ProfileRef), ProfileTree_compare);
   for (int i = 0; i < n; i++)
      ids[i] = refs[i].index;
   free(refs);
}

void ProfileTree_build(ProfileTree* t, const StackProfile* profile, bool byThread, bool idle) {
   memset(t, 0, sizeof(*t));
   ProfileTree_newNode(t, -1, "all", 3);
   t->nodes[0].expanded = true;
   for (int i = 0; i < profile->count; i++) {
      const ProfileStack* s = &profile->stacks[i];
      if (s->idle && !idle)
         continue;
      t->nodes[0].total += s->count;
      int at = 0;
      if (byThread)
         at = ProfileTree_step(t, at, s->thread, strlen(s->thread), s->count);
      for (const char* frame = s->key; *frame;) {
         size_t len = strcspn(frame, ";");
         at = ProfileTree_step(t, at, frame, len, s->count);
         frame += len + (frame[len] == ';');
      }
      t->nodes[at].self += s->count;
   }
   for (int i = 0; i < t->count; i++)
      ProfileTree_sort(t, t->nodes[i].children, t->nodes[i].childCount, ORDER_TOTAL);
}

void ProfileTree_done(ProfileTree* t) {
   for (int i = 0; i < t->count; i++) {
      free(t->nodes[i].name);
      free(t->nodes[i].children);
   }
   free(t->nodes);
   memset(t, 0, sizeof(*t));
}

long ProfileTree_total(const ProfileTree* t) {
   return t->count > 0 ? t->nodes[0].total : 0;
}

double ProfileTree_percent(const ProfileTree* t, long count) {
   long total = ProfileTree_total(t);
   return total > 0 ? 100.0 * (double)count / (double)total : 0.0;
}

void ProfileTree_expandHot(ProfileTree* t, double share) {
   for (int i = 1; i < t->count; i++)
      t->nodes[i].expanded = t->nodes[i].childCount > 0 &&
                             (double)t->nodes[i].total >= share * (double)ProfileTree_total(t);
}

static void ProfileTree_addVisible(const ProfileTree* t, int node, int** rows, int* count) {
   const ProfileNode* n = &t->nodes[node];
   for (int i = 0; i < n->childCount; i++) {
      int child = n->children[i];
      *rows = xReallocArray(*rows, (size_t)*count + 1, sizeof(int));
      (*rows)[(*count)++] = child;
      if (t->nodes[child].expanded)
         ProfileTree_addVisible(t, child, rows, count);
   }
}

int ProfileTree_visible(const ProfileTree* t, int** rows) {
   int count = 0;
   *rows = NULL;
   if (t->count > 0)
      ProfileTree_addVisible(t, 0, rows, &count);
   return count;
}

static int ProfileTree_bySelf(const void* a, const void* b) {
   const ProfileFunction* x = a;
   const ProfileFunction* y = b;
   if (x->self != y->self)
      return x->self < y->self ? 1 : -1;
   if (x->total != y->total)
      return x->total < y->total ? 1 : -1;
   return strcmp(x->name, y->name);
}

static int ProfileTree_byTotal(const void* a, const void* b) {
   const ProfileFunction* x = a;
   const ProfileFunction* y = b;
   if (x->total != y->total)
      return x->total < y->total ? 1 : -1;
   return ProfileTree_bySelf(a, b);
}

/* True when an ancestor of node has its name: a recursive call, whose
   stacks that ancestor counts already. */
static bool ProfileTree_recursive(const ProfileTree* t, int node) {
   for (int a = t->nodes[node].parent; a > 0; a = t->nodes[a].parent)
      if (strcmp(t->nodes[a].name, t->nodes[node].name) == 0)
         return true;
   return false;
}

int ProfileTree_functions(const ProfileTree* t, bool byTotal, ProfileFunction** out) {
   *out = NULL;
   if (t->count <= 1)
      return 0;
   int* byName = xMalloc((size_t)(t->count - 1) * sizeof(int));
   for (int i = 1; i < t->count; i++)
      byName[i - 1] = i;
   ProfileTree_sort(t, byName, t->count - 1, ORDER_NAME);
   int n = 0;
   *out = xMalloc((size_t)(t->count - 1) * sizeof(ProfileFunction));
   for (int i = 0; i < t->count - 1; i++) {
      const ProfileNode* node = &t->nodes[byName[i]];
      if (n == 0 || strcmp((*out)[n - 1].name, node->name) != 0)
         (*out)[n++] = (ProfileFunction){.name = node->name};
      (*out)[n - 1].self += node->self;
      if (!ProfileTree_recursive(t, byName[i]))
         (*out)[n - 1].total += node->total;
   }
   free(byName);
   qsort(*out, (size_t)n, sizeof(ProfileFunction),
         byTotal ? ProfileTree_byTotal : ProfileTree_bySelf);
   return n;
}

static void ProfileTree_foldedFrom(const ProfileTree* t, int node, char** path, size_t* size,
                                   size_t len, FILE* out) {
   const ProfileNode* n = &t->nodes[node];
   size_t nameLen = strlen(n->name);
   if (len + nameLen + 2 > *size) {
      *size = (len + nameLen + 2) * 2;
      *path = xReallocArray(*path, *size, 1);
   }
   if (len > 0)
      (*path)[len++] = ';';
   memcpy(*path + len, n->name, nameLen + 1);
   len += nameLen;
   if (n->self > 0)
      fprintf(out, "%s %ld\n", *path, n->self);
   for (int i = 0; i < n->childCount; i++)
      ProfileTree_foldedFrom(t, n->children[i], path, size, len, out);
}

void ProfileTree_folded(const ProfileTree* t, FILE* out) {
   if (t->count == 0)
      return;
   size_t size = 256;
   char* path = xMalloc(size);
   for (int i = 0; i < t->nodes[0].childCount; i++)
      ProfileTree_foldedFrom(t, t->nodes[0].children[i], &path, &size, 0, out);
   free(path);
}

void ProfileTree_top(const ProfileTree* t, int n, FILE* out) {
   int* ends = xMalloc((size_t)(t->count + 1) * sizeof(int));
   int count = 0;
   for (int i = 1; i < t->count; i++)
      if (t->nodes[i].self > 0)
         ends[count++] = i;
   ProfileTree_sort(t, ends, count, ORDER_SELF);
   for (int i = 0; i < count && i < n; i++) {
      const ProfileNode* end = &t->nodes[ends[i]];
      fprintf(out, "\n#%d  %.1f%%  (%ld of %ld thread stacks)\n", i + 1,
              ProfileTree_percent(t, end->self), end->self, ProfileTree_total(t));
      for (int at = ends[i]; at > 0; at = t->nodes[at].parent)
         fprintf(out, "  %s\n", t->nodes[at].name);
   }
   free(ends);
}
