#include "config.h"

#include "record/KeyMap.h"

#include <stdlib.h>

#include "util/XUtils.h"

void KeyMap_init(KeyMap* this) {
   *this = (KeyMap){0};
}

void KeyMap_done(KeyMap* this) {
   free(this->entries);
   *this = (KeyMap){0};
}

void KeyMap_clear(KeyMap* this) {
   for (size_t i = 0; i < this->capacity; i++)
      this->entries[i].value = -1;
   this->count = 0;
}

static size_t KeyMap_hash(uint64_t a, uint64_t b) {
   /* splitmix64's finaliser: pids and start ticks are small and close. */
   uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b;
   h ^= h >> 30;
   h *= 0xbf58476d1ce4e5b9ULL;
   h ^= h >> 27;
   h *= 0x94d049bb133111ebULL;
   return (size_t)(h ^ (h >> 31));
}

static KeyMapEntry* KeyMap_slot(const KeyMap* this, uint64_t a, uint64_t b) {
   size_t mask = this->capacity - 1;
   for (size_t i = KeyMap_hash(a, b) & mask;; i = (i + 1) & mask) {
      KeyMapEntry* e = &this->entries[i];
      if (e->value < 0 || (e->a == a && e->b == b))
         return e;
   }
}

int KeyMap_get(const KeyMap* this, uint64_t a, uint64_t b) {
   if (this->count == 0)
      return -1;
   return KeyMap_slot(this, a, b)->value;
}

void KeyMap_put(KeyMap* this, uint64_t a, uint64_t b, int value) {
   /* At most half full, so a probe always ends at an empty slot. */
   if ((this->count + 1) * 2 > this->capacity) {
      KeyMap old = *this;
      this->capacity = old.capacity ? old.capacity * 2 : 64;
      this->entries = xReallocArray(NULL, this->capacity, sizeof(KeyMapEntry));
      KeyMap_clear(this);
      for (size_t i = 0; i < old.capacity; i++)
         if (old.entries[i].value >= 0)
            KeyMap_put(this, old.entries[i].a, old.entries[i].b, old.entries[i].value);
      free(old.entries);
   }
   KeyMapEntry* e = KeyMap_slot(this, a, b);
   if (e->value < 0)
      this->count++;
   *e = (KeyMapEntry){.a = a, .b = b, .value = value};
}
