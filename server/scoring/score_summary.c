/* score_summary.c - a score in brief: points by cause, and what the next award needs. */
#include "score_summary.h"

#include <stdio.h>
#include <string.h>

#include "ltime.h"

const char *lnt_risk_cause_name(enum lnt_risk_cause c)
{
    switch (c) {
    case LNT_CAUSE_INCIDENTS:
        return "incidents";
    case LNT_CAUSE_DOOR:
        return "door_licensing";
    case LNT_CAUSE_SILENCE:
        return "silence";
    case LNT_CAUSE_COMPLIANCE:
        return "compliance";
    }
    return "?";
}

const char *lnt_risk_cause_label(enum lnt_risk_cause c)
{
    switch (c) {
    case LNT_CAUSE_INCIDENTS:
        return "Incidents";
    case LNT_CAUSE_DOOR:
        return "Door licensing";
    case LNT_CAUSE_SILENCE:
        return "Silence (data gaps)";
    case LNT_CAUSE_COMPLIANCE:
        return "Compliance gaps and findings";
    }
    return "?";
}

const char *lnt_risk_cause_phrase(enum lnt_risk_cause c)
{
    switch (c) {
    case LNT_CAUSE_INCIDENTS:
        return "incidents";
    case LNT_CAUSE_DOOR:
        return "door licensing";
    case LNT_CAUSE_SILENCE:
        return "silence (data gaps)";
    case LNT_CAUSE_COMPLIANCE:
        return "compliance gaps and findings";
    }
    return "?";
}

enum lnt_risk_cause lnt_risk_cause_of(const struct lnt_risk_part *p)
{
    int32_t night;

    switch (p->kind) {
    case LNT_PART_INCIDENT:
        return LNT_CAUSE_INCIDENTS;
    case LNT_PART_DATA:
        return LNT_CAUSE_SILENCE;
    case LNT_PART_GAP:
        break;
    }
    /* a gap names the night of its door shifts, or the Essential it is about */
    return lnt_date_parse(p->ref, &night) == LNT_OK ? LNT_CAUSE_DOOR : LNT_CAUSE_COMPLIANCE;
}

/* Most points first, then enum order: a stable order for the same points. */
static void causes_sort(struct lnt_risk_cause_total t[LNT_SCORE_CAUSES])
{
    for (size_t i = 1; i < LNT_SCORE_CAUSES; i++)
        for (size_t k = i; k > 0; k--) {
            struct lnt_risk_cause_total x = t[k - 1], y = t[k];
            if (y.points_milli < x.points_milli ||
                (y.points_milli == x.points_milli && y.cause > x.cause))
                break;
            t[k - 1] = y;
            t[k] = x;
        }
}

void lnt_risk_causes(const struct lnt_risk_result *r,
                     struct lnt_risk_cause_total out[LNT_SCORE_CAUSES])
{
    for (size_t c = 0; c < LNT_SCORE_CAUSES; c++)
        out[c] = (struct lnt_risk_cause_total){(enum lnt_risk_cause)c, 0, 0};
    for (size_t i = 0; i < r->n_parts; i++) {
        struct lnt_risk_cause_total *t = &out[lnt_risk_cause_of(&r->parts[i])];
        t->points_milli += r->parts[i].points_milli;
        t->lines++;
    }
    causes_sort(out);
}

void lnt_risk_causes_of_brief(const struct lnt_score_brief *b,
                              struct lnt_risk_cause_total out[LNT_SCORE_CAUSES])
{
    for (size_t c = 0; c < LNT_SCORE_CAUSES; c++)
        out[c] = (struct lnt_risk_cause_total){(enum lnt_risk_cause)c, b->cause_milli[c], 0};
    causes_sort(out);
}

/* Appends ", id" (or "id" first) to a bounded list; a list that no longer fits ends in "...". */
static void list_add(char *list, size_t size, const char *id)
{
    size_t len = strlen(list), need = strlen(id) + (len > 0 ? 2 : 0);

    if (len >= 3 && strcmp(list + len - 3, "...") == 0)
        return;
    if (len + need + 4 < size) {
        snprintf(list + len, size - len, "%s%s", len > 0 ? ", " : "", id);
        return;
    }
    if (len + 4 < size)
        snprintf(list + len, size - len, "...");
}

void lnt_score_summary_fill(const struct lnt_score_result *r, struct lnt_score_brief *b)
{
    b->bbn_scored = r->bbn.scored;
    b->essential_met = r->bbn.essential_met;
    b->essential_total = r->bbn.essential_total;
    b->desired_met = r->bbn.desired_met;
    b->desired_total = r->bbn.desired_total;
    b->bonus_met = r->bbn.bonus_met;
    b->bonus_total = r->bbn.bonus_total;
    b->essential_missing[0] = '\0';
    for (size_t i = 0; i < r->bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &r->bbn.lines[i];
        if (ln->tier == LNT_TIER_ESSENTIAL &&
            (ln->status == LNT_BBN_NOT_MET || ln->status == LNT_BBN_NOT_EVIDENCED))
            list_add(b->essential_missing, sizeof b->essential_missing, ln->id);
    }
    memset(b->cause_milli, 0, sizeof b->cause_milli);
    for (size_t i = 0; i < r->risk.n_parts; i++)
        b->cause_milli[lnt_risk_cause_of(&r->risk.parts[i])] += r->risk.parts[i].points_milli;
}

int lnt_bbn_award_rank(const struct lnt_bbn_catalogue *cat, const char *name)
{
    for (size_t i = 0; cat != NULL && name != NULL && name[0] != '\0' && i < cat->n_awards; i++)
        if (strcmp(cat->awards[i].name, name) == 0)
            return cat->awards[i].rank;
    return 0;
}

/* The least k with k x 100 >= pct x total: the scoring's own comparison, solved for k. */
static int desired_needed(int pct, int total)
{
    int64_t need = ((int64_t)pct * total + 99) / 100;
    return need < 0 ? 0 : (int)need;
}

void lnt_bbn_next_award(const struct lnt_bbn_catalogue *cat, const struct lnt_score_brief *b,
                        struct lnt_bbn_next *out)
{
    const struct lnt_bbn_award *next = NULL;
    int held = lnt_bbn_award_rank(cat, b->award);
    int need, other_need, other_have;

    memset(out, 0, sizeof *out);
    if (cat == NULL || cat->n_awards == 0 || !b->bbn_scored)
        return;
    for (size_t i = 0; i < cat->n_awards && next == NULL; i++)
        if (cat->awards[i].rank > held)
            next = &cat->awards[i];
    if (next == NULL) {
        out->state = LNT_NEXT_TOP;
        lnt_str_copy(out->award, sizeof out->award, b->award);
        return;
    }
    out->state = LNT_NEXT_NEEDS;
    lnt_str_copy(out->award, sizeof out->award, next->name);
    if (!b->accredited) {
        out->essentials = b->essential_total - b->essential_met;
        lnt_str_copy(out->essential_ids, sizeof out->essential_ids, b->essential_missing);
    }
    need = desired_needed(next->desired_pct, b->desired_total);
    out->desired = need > b->desired_met ? need - b->desired_met : 0;
    out->bonus = next->bonus_min > b->bonus_met ? next->bonus_min - b->bonus_met : 0;
    other_need = desired_needed(next->other_pct, b->desired_total + b->bonus_total);
    /* what the Desired and Bonus counts above already bring counts towards the share */
    other_have = b->desired_met + out->desired + b->bonus_met + out->bonus;
    out->other = other_need > other_have ? other_need - other_have : 0;
    if (need > b->desired_total || next->bonus_min > b->bonus_total ||
        other_need > b->desired_total + b->bonus_total)
        out->state = LNT_NEXT_BEYOND;
}

/* "one Essential: E1", "2 Essentials: A1, E1". */
static int essentials_text(const struct lnt_bbn_next *n, char *out, size_t size)
{
    if (n->essentials == 1)
        return snprintf(out, size, "one Essential%s%s", n->essential_ids[0] ? ": " : "",
                        n->essential_ids);
    return snprintf(out, size, "%d Essentials%s%s", n->essentials, n->essential_ids[0] ? ": " : "",
                    n->essential_ids);
}

void lnt_bbn_next_text(const struct lnt_bbn_next *n, char *out, size_t size)
{
    size_t len = 0;
    int w = 0;

    if (size == 0)
        return;
    out[0] = '\0';
    switch (n->state) {
    case LNT_NEXT_NONE:
        return;
    case LNT_NEXT_TOP:
        snprintf(out, size, "%s: the top award", n->award);
        return;
    case LNT_NEXT_BEYOND:
        snprintf(out, size, "%s is out of reach: it needs more %s than apply", n->award,
                 n->desired > 0 && n->bonus > 0 ? "Desired and Bonus criteria"
                 : n->bonus > 0                 ? "Bonus criteria"
                                                : "Desired criteria");
        return;
    case LNT_NEXT_NEEDS:
        break;
    }
    if (n->essentials > 0)
        w = essentials_text(n, out, size);
    len = w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
    if (n->desired > 0) {
        w = snprintf(out + len, size - len, "%s%d more Desired", len > 0 ? " and " : "",
                     n->desired);
        len += w < 0 ? 0 : (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
    if (n->bonus > 0) {
        w = snprintf(out + len, size - len, "%s%d more Bonus", len > 0 ? " and " : "", n->bonus);
        len += w < 0 ? 0 : (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
    if (n->other > 0) {
        w = snprintf(out + len, size - len, "%s%d more of any Desired or Bonus",
                     len > 0 ? " and " : "", n->other);
        len += w < 0 ? 0 : (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
    snprintf(out + len, size - len, "%s for %s", len > 0 ? "" : "nothing more", n->award);
}
