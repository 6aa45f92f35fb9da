/* Whole or partial _Py_DebugOffsets tables read from real interpreters:
   what the layout tests check CPythonLayout against and what the fuzz
   seeds of 3.13+ start from. */
#include "config.h"

#include "DebugOffsetsTables.h"

#include <string.h>

#include "target/CPythonLayout.h"

/* Part of pyenv 3.13.0's _Py_DebugOffsets (gdb: print/x
   _PyRuntime.debug_offsets): {byte position, value}. */
static const uint64_t DebugOffsetsTables_313[][2] = {
      {8, 0x30d00f0},                                             /* version 3.13.0 final */
      {24, 0x452b8},  {32, 0x260},   {40, 0x278},                 /* runtime_state */
      {48, 0x2f998},  {56, 0x1c68},  {64, 0x1c60},  {72, 0x1cb0}, /* interpreter_state */
      {112, 0x10},    {120, 0x1e48}, {136, 0x1e58}, {144, 0x1e50},
      {152, 0x130},   {160, 0x0},    {168, 0x8},    {176, 0x10}, /* thread_state */
      {184, 0x48},    {192, 0x98},   {200, 0xa0},   {224, 0x50},
      {232, 0x8},     {240, 0x0},    {248, 0x38}, /* interpreter_frame */
      {256, 0x48},    {264, 0x46},   {272, 0xd0},   {280, 0x70},
      {288, 0x78},    {296, 0x80}, /* code_object */
      {304, 0x88},    {312, 0x44},   {344, 0xc8},   {512, 0x28},
      {520, 0x10},    {528, 0x20},                               /* bytes_object */
      {536, 0x40},    {544, 0x20},   {552, 0x10},   {560, 0x28}, /* unicode_object */
};

/* The whole _Py_DebugOffsets of Debian sid's python3.14 3.14.10-1, read
   from a running interpreter at _PyRuntime (0xba07c0), as 95 words after
   the cookie. */
static const uint64_t DebugOffsetsTables_314[] = {
      0x30e0af0, 0x0,                                            /* version, free_threaded */
      0x4d4c8,   0x310,  0x328,                                  /* runtime_state */
      0x37248,   0x1c70, 0x1c68, 0x1cb0, 0x1cc0, 0x1cf0, 0x1e08, /* interpreter_state */
      0x1df8,    0x1e00, 0x10,   0x1e68, 0x0,    0x1e78, 0x1e70, /* ... */
      0x1f38,    0x0,                                            /* ... tlbc_generation */
      0x340,     0x0,    0x8,    0x10,   0x48,   0x98,   0xa0,   /* thread_state */
      0xe8,      0x20,                                           /* ... status */
      0x58,      0x8,    0x0,    0x38,   0x50,   0x4a,   0x40,   /* interpreter_frame */
      0x0,                                                       /* ... tlbc_index */
      0xd8,      0x70,   0x78,   0x80,   0x88,   0x44,   0x34,   /* code_object */
      0x60,      0x68,   0xd0,   0x0,                            /* ... co_tlbc */
      0x10,      0x8,                                            /* pyobject */
      0x1a0,     0x18,   0x58,   0xa8,                           /* type_object */
      0x28,      0x20,   0x10,                                   /* tuple_object */
      0x28,      0x18,   0x10,                                   /* list_object */
      0xc8,      0x18,   0x28,   0x20,                           /* set_object */
      0x30,      0x20,   0x28,                                   /* dict_object */
      0x18,      0x10,                                           /* float_object */
      0x20,      0x10,   0x18,                                   /* long_object */
      0x28,      0x10,   0x20,                                   /* bytes_object */
      0x40,      0x20,   0x10,   0x28,                           /* unicode_object */
      0x108,     0xc0,                                           /* gc */
      0xa0,      0x18,   0x48,   0x43,                           /* gen_object */
      0x0,       0x8,                                            /* llist_node */
      0x18,      0x130,  0x1f8c, 0x0,    0x4,    0x200,          /* debugger_support */
};

/* The whole _Py_DebugOffsets of Debian sid's python3.15 3.15.2-1, read
   from a running interpreter at _PyRuntime (0xc408a0), as 110 words after
   the cookie. */
static const uint64_t DebugOffsetsTables_315[] = {
      0x30f02f0, 0x0,                                            /* version, free_threaded */
      0x549c8,   0x390,  0x3a8,                                  /* runtime_state */
      0x373c0,   0x1c68, 0x1c60, 0x1ca8, 0x1cb8, 0x1ce8, 0x1da8, /* interpreter_state */
      0x1d98,    0x1da0, 0x10,   0x1e38, 0x0,    0x1e48, 0x1e40, /* ... */
      0x1f08,    0x0,                                            /* ... tlbc_generation */
      0x378,     0x0,    0x8,    0x10,   0x48,   0x50,   0x58,   /* thread_state */
      0x60,      0xb0,   0xb8,   0x100,  0x20,   0x24,   0x28,   /* ... */
      0x88,      0x120,                                          /* ... exc_state */
      0x0,                                                       /* err_stackitem */
      0x58,      0x8,    0x0,    0x38,   0x50,   0x4a,   0x40,   /* interpreter_frame */
      0x0,                                                       /* ... tlbc_index */
      0xd8,      0x70,   0x78,   0x80,   0x88,   0x44,   0x34,   /* code_object */
      0x60,      0x68,   0xd0,   0x0,                            /* ... co_tlbc */
      0x10,      0x8,                                            /* pyobject */
      0x1a8,     0x18,   0x58,   0xa8,   0x20,   0x120,          /* type_object */
      0x3b0,     0x378,                                          /* heap_type_object */
      0x28,      0x20,   0x10,                                   /* tuple_object */
      0x28,      0x18,   0x10,                                   /* list_object */
      0xc8,      0x18,   0x28,   0x20,                           /* set_object */
      0x30,      0x20,   0x28,                                   /* dict_object */
      0x18,      0x10,                                           /* float_object */
      0x20,      0x10,   0x18,                                   /* long_object */
      0x28,      0x10,   0x20,                                   /* bytes_object */
      0x40,      0x20,   0x10,   0x28,   0x38,                   /* unicode_object */
      0xb0,      0x70,   0x78,   0x460,  0x68,                   /* gc */
      0xa0,      0x18,   0x48,   0x43,                           /* gen_object */
      0x0,       0x8,                                            /* llist_node */
      0x18,      0x158,  0x1f5c, 0x0,    0x4,    0x200,          /* debugger_support */
};

_Static_assert(8 + sizeof(DebugOffsetsTables_314) == 760, "3.14's sizeof(_Py_DebugOffsets)");
_Static_assert(8 + sizeof(DebugOffsetsTables_315) == DEBUG_OFFSETS_SIZE,
               "3.15's sizeof(_Py_DebugOffsets)");

void DebugOffsetsTables_put(uint8_t* table, size_t at, uint64_t value) {
   memcpy(table + at, &value, sizeof(value));
}

bool DebugOffsetsTables_fill(int minor, uint8_t* table) {
   memset(table, 0, DEBUG_OFFSETS_SIZE);
   memcpy(table, DEBUG_OFFSETS_COOKIE, 8);
   switch (minor) {
   case 13:
      for (size_t i = 0; i < sizeof(DebugOffsetsTables_313) / sizeof(DebugOffsetsTables_313[0]);
           i++)
         DebugOffsetsTables_put(table, (size_t)DebugOffsetsTables_313[i][0],
                                DebugOffsetsTables_313[i][1]);
      return true;
   case 14:
      memcpy(table + 8, DebugOffsetsTables_314, sizeof(DebugOffsetsTables_314));
      return true;
   case 15:
      memcpy(table + 8, DebugOffsetsTables_315, sizeof(DebugOffsetsTables_315));
      return true;
   default:
      return false;
   }
}
