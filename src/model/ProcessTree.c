#include "config.h"

#include "model/ProcessTree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

ProcessTree* ProcessTree_new(Process* root) {
   ProcessTree* this = xCalloc(1, sizeof(*this));
   this->capacity = 8;
   this->procs = xCalloc((size_t)this->capacity, sizeof(Process*));
   this->byPid = xCalloc((size_t)this->capacity, sizeof(Process*));
   this->procs[0] = root;
   this->byPid[0] = root;
   this->count = 1;
   this->lastOomKill = -1;
   DeployWatch_init(&this->deploy);
   snprintf(this->name, sizeof(this->name), "%s", root->name);
   ProcessTree_reorder(this);
   return this;
}

void ProcessTree_delete(ProcessTree* this) {
   if (!this)
      return;
   for (int i = 0; i < this->count; i++)
      Process_delete(this->procs[i]);
   free(this->procs);
   free(this->byPid);
   for (int i = 0; i < this->slotCount; i++) {
      free(this->slots[i]->done);
      free(this->slots[i]);
   }
   free(this->slots);
   free(this);
}

Process* ProcessTree_root(const ProcessTree* this) {
   return this->procs[0];
}

/* Index in byPid of the first process whose PID is at least pid. */
static int ProcessTree_lowerBound(const ProcessTree* this, pid_t pid) {
   int lo = 0, hi = this->count;
   while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (this->byPid[mid]->pid < pid)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

Process* ProcessTree_find(const ProcessTree* this, pid_t pid) {
   int i = ProcessTree_lowerBound(this, pid);
   return i < this->count && this->byPid[i]->pid == pid ? this->byPid[i] : NULL;
}

/* The lowest vacant slot, a new one when every slot is held. */
static WorkerSlot* ProcessTree_vacantSlot(ProcessTree* this) {
   for (int i = 0; i < this->slotCount; i++)
      if (!this->slots[i]->occupant)
         return this->slots[i];
   this->slots = xReallocArray(this->slots, (size_t)this->slotCount + 1, sizeof(WorkerSlot*));
   /* Allocated one by one: a slot handed out by ProcessTree_slot() stays
      where it is when the array grows. */
   WorkerSlot* slot = xCalloc(1, sizeof(WorkerSlot));
   this->slots[this->slotCount++] = slot;
   slot->number = (unsigned)this->slotCount;
   GenerationTrace_init(&slot->live);
   return slot;
}

void ProcessTree_add(ProcessTree* this, Process* proc) {
   if (this->count == this->capacity) {
      this->capacity *= 2;
      this->procs = xReallocArray(this->procs, (size_t)this->capacity, sizeof(Process*));
      this->byPid = xReallocArray(this->byPid, (size_t)this->capacity, sizeof(Process*));
   }
   int at = ProcessTree_lowerBound(this, proc->pid);
   memmove(this->byPid + at + 1, this->byPid + at, (size_t)(this->count - at) * sizeof(Process*));
   this->byPid[at] = proc;
   this->procs[this->count++] = proc;
   Process* parent = ProcessTree_find(this, proc->ppid);
   proc->depth = parent && parent != proc ? parent->depth + 1 : 1;
   proc->role = proc->depth == 1 ? ROLE_WORKER : ROLE_CHILD;
   if (this->count == 2)
      this->procs[0]->role = ROLE_MASTER;
   if (proc->role != ROLE_WORKER)
      return;
   /* A worker that takes a slot another one left is its replacement:
      gunicorn max_requests, celery max_tasks_per_child, uwsgi
      reload-on-rss. At attach, workers fill slots 1..N in PID order. */
   WorkerSlot* slot = ProcessTree_vacantSlot(this);
   slot->occupant = proc;
   slot->generation++;
   proc->generation = slot->generation;
   proc->slot = slot->number;
   GenerationTrace_init(&slot->live);
}

static void ProcessTree_countEnd(EndCounts* counts, RecycleEnd end) {
   switch (end) {
   case END_RECYCLE:
      counts->recycles++;
      break;
   case END_CRASH:
      counts->crashes++;
      break;
   case END_OOM_KILL:
      counts->oomKills++;
      break;
   case END_UNKNOWN:
      counts->unknown++;
      break;
   }
}

void ProcessTree_retire(ProcessTree* this, Process* proc, const char* how, double wallNow) {
   int index = -1;
   for (int i = 0; i < this->count; i++)
      if (this->procs[i] == proc)
         index = i;
   if (index < 0)
      return;
   if (index == 0)
      this->rootGone = true;

   this->exitedHead = (this->exitedHead + 1) % TREE_EXITED_KEPT;
   ExitedProcess* e = &this->exited[this->exitedHead];
   memset(e, 0, sizeof(*e));
   e->pid = proc->pid;
   e->startTicks = proc->startTicks;
   e->generation = proc->generation;
   e->lifetime = Process_age(proc, wallNow);
   e->peakRssKiB = proc->peakRssKiB;
   e->exitEpoch = wallNow;
   snprintf(e->name, sizeof(e->name), "%s", proc->name);
   snprintf(e->how, sizeof(e->how), "%s", how);
   e->end = RecycleVerdict_endOf(how);
   e->slot = proc->slot;
   if (this->exitedKept < TREE_EXITED_KEPT)
      this->exitedKept++;
   this->exitedTotal++;
   ProcessTree_countEnd(&this->ends, e->end);

   WorkerSlot* slot = proc->slot ? this->slots[proc->slot - 1] : NULL;
   if (slot && slot->occupant == proc) {
      if (!slot->done)
         slot->done = xCalloc(SLOT_GENERATIONS_KEPT, sizeof(GenerationRecord));
      slot->doneHead = (slot->doneHead + 1) % SLOT_GENERATIONS_KEPT;
      if (slot->doneCount < SLOT_GENERATIONS_KEPT)
         slot->doneCount++;
      GenerationRecord_close(&slot->done[slot->doneHead], &slot->live, proc->generation,
                             e->lifetime, e->end);
      ProcessTree_countEnd(&slot->ends, e->end);
      slot->occupant = NULL;
      this->slotsEnded = true;
      GenerationTrace_init(&slot->live);
   }

   if (index > 0) {
      memmove(this->procs + index, this->procs + index + 1,
              (size_t)(this->count - index - 1) * sizeof(Process*));
      int at = ProcessTree_lowerBound(this, proc->pid);
      memmove(this->byPid + at, this->byPid + at + 1,
              (size_t)(this->count - at - 1) * sizeof(Process*));
      this->count--;
      Process_delete(proc);
      ProcessTree_reorder(this);
   }
   /* A retired root stays in procs[0] until the tree itself is dropped. */
}

static int ProcessTree_compareParent(const void* a, const void* b) {
   const Process* x = *(Process* const*)a;
   const Process* y = *(Process* const*)b;
   if (x->ppid != y->ppid)
      return (x->ppid > y->ppid) - (x->ppid < y->ppid);
   return (x->pid > y->pid) - (x->pid < y->pid);
}

/* First index in byParent (sorted by ppid, pid) whose ppid is at least ppid. */
static int ProcessTree_firstChild(Process** byParent, int n, pid_t ppid) {
   int lo = 0, hi = n;
   while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (byParent[mid]->ppid < ppid)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

void ProcessTree_reorder(ProcessTree* this) {
   int n = this->count;
   Process* root = this->procs[0];
   Process** byParent = xCalloc((size_t)n, sizeof(Process*));
   memcpy(byParent, this->procs + 1, (size_t)(n - 1) * sizeof(Process*));
   qsort(byParent, (size_t)(n - 1), sizeof(Process*), ProcessTree_compareParent);
   for (int i = 1; i < n; i++)
      this->procs[i]->depth = -1;

   /* Depth-first pre-order with an explicit stack; children by PID. */
   Process** stack = xCalloc((size_t)n, sizeof(Process*));
   int top = 0;
   int out = 0;
   root->depth = 0;
   stack[top++] = root;
   while (top > 0) {
      Process* p = stack[--top];
      this->procs[out++] = p;
      int first = ProcessTree_firstChild(byParent, n - 1, p->pid);
      int last = first;
      while (last < n - 1 && byParent[last]->ppid == p->pid)
         last++;
      for (int i = last - 1; i >= first; i--) {
         if (byParent[i]->depth >= 0 || byParent[i] == root)
            continue;
         byParent[i]->depth = p->depth + 1;
         stack[top++] = byParent[i];
      }
   }
   /* Processes whose parent left the tree (re-parented to a subreaper) keep a
      place at the end, as workers of the tree they were found in. */
   for (int i = 0; i < n - 1; i++)
      if (byParent[i]->depth < 0) {
         byParent[i]->depth = 1;
         this->procs[out++] = byParent[i];
      }
   free(stack);
   free(byParent);

   for (int i = 0; i < n; i++)
      this->procs[i]->hasChildren = false;
   for (int i = 1; i < n; i++) {
      Process* parent = ProcessTree_find(this, this->procs[i]->ppid);
      if (parent)
         parent->hasChildren = true;
   }
   for (int i = 0; i < n; i++) {
      Process* p = this->procs[i];
      if (p->depth == 0)
         p->role = n > 1 ? ROLE_MASTER : ROLE_SINGLE;
      else
         p->role = p->depth == 1 ? ROLE_WORKER : ROLE_CHILD;
   }
}

/* The tree's judgement looks at the newest generation of every slot first,
   then the one before, and so on: recent across all slots, whatever their
   number. */
static int ProcessTree_recentGenerations(const ProcessTree* this, const GenerationRecord** out,
                                         int* slots) {
   int n = 0;
   *slots = 0;
   for (int i = 0; i < this->slotCount; i++)
      *slots += this->slots[i]->doneCount > 0;
   for (int age = 0; age < SLOT_GENERATIONS_KEPT; age++)
      for (int i = 0; i < this->slotCount && n < RECYCLE_JUDGE_MAX; i++) {
         const GenerationRecord* g = WorkerSlot_generation(this->slots[i], age);
         if (g)
            out[n++] = g;
      }
   return n;
}

void ProcessTree_updateSlots(ProcessTree* this, double now, const char* unit) {
   for (int i = 0; i < this->slotCount; i++) {
      WorkerSlot* slot = this->slots[i];
      const Process* p = slot->occupant;
      if (p && p->seen && p->memKnown)
         GenerationTrace_add(&slot->live, now, (double)p->rssKiB, p->trafficKnown, p->trafficDelta);
   }
   /* Verdicts only change when a generation ends. */
   if (!this->slotsEnded)
      return;
   this->slotsEnded = false;
   for (int i = 0; i < this->slotCount; i++) {
      WorkerSlot* slot = this->slots[i];
      const GenerationRecord* mine[SLOT_GENERATIONS_KEPT];
      for (int age = 0; age < slot->doneCount; age++)
         mine[age] = WorkerSlot_generation(slot, age);
      RecycleVerdict_judge(&slot->verdict, mine, slot->doneCount, 1, unit);
   }
   const GenerationRecord* all[RECYCLE_JUDGE_MAX];
   int slots;
   int n = ProcessTree_recentGenerations(this, all, &slots);
   RecycleVerdict_judge(&this->recycle, all, n, slots, unit);
}

const WorkerSlot* ProcessTree_slot(const ProcessTree* this, unsigned number) {
   return number >= 1 && number <= (unsigned)this->slotCount ? this->slots[number - 1] : NULL;
}

const GenerationRecord* WorkerSlot_generation(const WorkerSlot* this, int age) {
   if (age < 0 || age >= this->doneCount)
      return NULL;
   return &this->done[(this->doneHead - age + SLOT_GENERATIONS_KEPT) % SLOT_GENERATIONS_KEPT];
}

const ExitedProcess* ProcessTree_exited(const ProcessTree* this, int age) {
   if (age < 0 || age >= this->exitedKept)
      return NULL;
   return &this->exited[(this->exitedHead - age + TREE_EXITED_KEPT) % TREE_EXITED_KEPT];
}

int ProcessTree_workerCount(const ProcessTree* this) {
   int n = 0;
   for (int i = 0; i < this->count; i++)
      if (this->procs[i]->role == ROLE_WORKER)
         n++;
   return n;
}

uint64_t ProcessTree_totalRss(const ProcessTree* this) {
   uint64_t sum = 0;
   for (int i = 0; i < this->count; i++)
      if (this->procs[i]->memKnown)
         sum += this->procs[i]->rssKiB;
   return sum;
}

uint64_t ProcessTree_totalPss(const ProcessTree* this, bool* complete) {
   uint64_t sum = 0;
   *complete = true;
   for (int i = 0; i < this->count; i++) {
      if (this->procs[i]->smapsKnown)
         sum += this->procs[i]->pssKiB;
      else
         *complete = false;
   }
   return sum;
}
