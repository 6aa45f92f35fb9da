#ifndef HEADER_DashboardState
#define HEADER_DashboardState
/* The dashboard's own state, for its two files alone: Dashboard.c (the
   view and its drawing) and DashboardKeys.c (its key tables and actions). */

#include <stdbool.h>

#include "ui/Columns.h"
#include "ui/DashboardRows.h"
#include "ui/KeyBindings.h"
#include "ui/LineField.h"
#include "ui/UiView.h"

typedef struct Dashboard {
   bool flatView;
   int columnSet;
   DashboardSort flatSort;
   DashboardSort treeSort;
   LineField filter;
   bool editingFilter;
   ColumnLayout layout; /* as last drawn */
   DashboardRows rows;
   int bodyTop;    /* screen line of the first body row */
   int bodyHeight; /* lines for body rows */
} Dashboard;

/* The state of the dashboard view super. */
Dashboard* Dashboard_of(const UiView* super);
/* The sort of the view shown, flat or tree. */
DashboardSort* Dashboard_sort(Dashboard* this);

extern const KeyTable Dashboard_keys;
/* The filter field's keys while it is typed in (after `/`), else NULL. */
const KeyTable* Dashboard_modalKeys(const UiView* super);

#endif
