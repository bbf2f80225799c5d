/* score_ctl.h - lanternctl's scoring commands (ctl_score.c), for its command table. */
#ifndef LNT_SCORE_CTL_H
#define LNT_SCORE_CTL_H

#include "ctl.h"

/* score --venue ID [--at TIME] [--json] */
int lnt_ctl_score(struct lnt_ctl *c, int argc, char **argv);
/* report hotspots [--at TIME] [--top N] [--authority NAME] [--min-nights N] */
int lnt_ctl_report_hotspots(struct lnt_ctl *c, int argc, char **argv);
/* report trends [--from DATE] [--to DATE] [--venue ID | --area TEXT | --authority NAME] */
int lnt_ctl_report_trends(struct lnt_ctl *c, int argc, char **argv);
/* report volunteers [--from DATE] [--to DATE] [--venue ID] */
int lnt_ctl_report_volunteers(struct lnt_ctl *c, int argc, char **argv);
/* report stock [--at TIME] [--days N] [--authority NAME] */
int lnt_ctl_report_stock(struct lnt_ctl *c, int argc, char **argv);

#endif
