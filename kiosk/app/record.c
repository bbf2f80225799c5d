/* record.c - turns a flow's answers into the event the kiosk saves, sealing the sensitive part. */
#include "record.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "strings.h"

/* JSON names of the answers, as the server's incident reader sees them once unsealed. */
static const char *const field_names[LNT_F__COUNT] = {
    [LNT_F_WHEN] = "when",
    [LNT_F_WHEN_HHMM] = "when_time",
    [LNT_F_PLACE] = "place",
    [LNT_F_ACTIONS] = "actions",
    [LNT_F_OUTCOME] = "outcome",
    [LNT_F_KIND] = "kind",
    [LNT_F_SEVERITY] = "severity",
    [LNT_F_POLICE] = "police_called",
    [LNT_F_SYMPTOMS] = "symptoms",
    [LNT_F_EVIDENCE] = "evidence",
    [LNT_F_POLICE_TOLD] = "police_informed",
    [LNT_F_POLICE_REF] = "police_reference",
    [LNT_F_AMBULANCE] = "ambulance",
    [LNT_F_TESTKIT] = "test_kit",
    [LNT_F_CCTV] = "cctv_preserved",
    [LNT_F_CCTV_CAMERA] = "cctv_camera",
    [LNT_F_CCTV_RANGE] = "cctv_range",
    [LNT_F_STAFF_ALERTED] = "staff_alerted",
    [LNT_F_DESC_PERSON] = "person_description",
    [LNT_F_DESC_SUSPECT] = "suspect_description",
    [LNT_F_WHO_ASKED] = "who_asked",
    [LNT_F_CONSCIOUS] = "conscious",
    [LNT_F_POLICE_TOLD_AT] = "police_informed_at",
    [LNT_F_WELFARE] = "welfare",
    [LNT_F_DESC_CONCERN] = "concern_description",
    [LNT_F_OTHER_TEXT] = "other_description",
};

static const char *flow_names[LNT_FLOW__COUNT] = {
    [LNT_FLOW_ANGELA] = "angela",           [LNT_FLOW_SPIKING] = "spiking",
    [LNT_FLOW_INCIDENT] = "incident",       [LNT_FLOW_STOCK] = "stock",
    [LNT_FLOW_SHIFT_START] = "shift_start", [LNT_FLOW_SHIFT_END] = "shift_end",
    [LNT_FLOW_WELFARE] = "welfare",
};

/* The step that asks `f` in the form's flow, or NULL. */
static const struct lnt_step *step_of(const struct lnt_form *fm, enum lnt_field f)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);

    for (int i = 0; def != NULL && i < def->n_steps; i++)
        if (def->steps[i].field == f)
            return &def->steps[i];
    return NULL;
}

static const char *pick_code(const struct lnt_form *fm, enum lnt_field f)
{
    const struct lnt_step *s = step_of(fm, f);

    if (s == NULL || !(fm->answered & LNT_FIELD_BIT(f)))
        return "";
    return lnt_list_code(s->list, fm->v[f]);
}

/*
 * The instant that London wall-clock time `local` (seconds, read as if UTC)
 * names; the first of the two when the hour repeats. The clocks change at
 * 01:00 UTC, so the offset an hour before `local` read as UTC is the one in
 * force.
 */
static int64_t local_to_utc(int64_t local)
{
    return local - lnt_london_offset(local - 3600);
}

enum lnt_err lnt_record_typed_time(int32_t hhmm, int64_t now, int64_t *at)
{
    int64_t local = now + lnt_london_offset(now), day, t;

    /*
     * Today's HH:MM, each candidate read in the offset in force at that time
     * (00:30 typed at 02:30 BST on the night the clocks go forward was GMT), the
     * earlier of the two when the hour repeats. Later than now but in a later
     * trading night, it is yesterday's: 23:30 typed at 01:00 is last night.
     * Later than now in tonight's night, it is a slip (04:00 typed at 03:17):
     * reading it as yesterday would file the report a day early.
     */
    day = local - (local % 86400 + 86400) % 86400;
    t = local_to_utc(day + (hhmm / 100) * 3600 + (hhmm % 100) * 60);
    if (t > now && lnt_night_of(t) == lnt_night_of(now)) {
        *at = t;
        return LNT_ERR_INVALID;
    }
    if (t > now)
        t = local_to_utc(day - 86400 + (hhmm / 100) * 3600 + (hhmm % 100) * 60);
    *at = t;
    return LNT_OK;
}

int64_t lnt_record_when(const struct lnt_form *fm, int64_t now)
{
    const char *when;
    int64_t mins, t;

    if (fm->occurred_at != 0)
        return fm->occurred_at;
    when = pick_code(fm, LNT_F_WHEN);
    if (when[0] == '\0')
        return now;
    if (strcmp(when, "earlier") != 0)
        return lnt_parse_i64(when, 0, 24 * 60, &mins) == LNT_OK ? now - mins * 60 : now;
    if (!(fm->answered & LNT_FIELD_BIT(LNT_F_WHEN_HHMM)))
        return now;
    /* A time later than now was refused when it was typed; should one get here, it is now. */
    if (lnt_record_typed_time(fm->v[LNT_F_WHEN_HHMM], now, &t) != LNT_OK)
        return now;
    return t;
}

static enum lnt_err answer_json(const struct lnt_form *fm, enum lnt_field f, json_t *answers)
{
    const struct lnt_step *s = step_of(fm, f);
    json_t *v = NULL;
    char hhmm[8];

    if (s == NULL || field_names[f] == NULL)
        return LNT_OK;
    switch (s->kind) {
    case LNT_STEP_PICK:
        v = json_string(lnt_list_code(s->list, fm->v[f]));
        break;
    case LNT_STEP_TICKS: {
        size_t n;
        lnt_list_items(s->list, &n);
        v = json_array();
        for (size_t i = 0; v != NULL && i < n && i < 32; i++)
            if (fm->v[f] & (1 << i))
                json_array_append_new(v, json_string(lnt_list_code(s->list, (int)i)));
        break;
    }
    case LNT_STEP_NUMBER:
        v = json_integer(fm->v[f]);
        break;
    case LNT_STEP_TIME:
        snprintf(hhmm, sizeof hhmm, "%02d:%02d", (int)(fm->v[f] / 100) % 100,
                 (int)(fm->v[f] % 100));
        v = json_string(hhmm);
        break;
    case LNT_STEP_TEXT:
        if (fm->text[f][0] == '\0')
            return LNT_OK; /* skipped: nothing to say */
        v = json_string(fm->text[f]);
        break;
    case LNT_STEP_STEPPERS:
    case LNT_STEP_SUMMARY:
        return LNT_OK; /* volunteers' tallies travel in the clear, never sealed */
    }
    if (v == NULL || json_object_set_new(answers, field_names[f], v) != 0)
        return LNT_ERR_NOMEM;
    return LNT_OK;
}

/*
 * The CCTV to keep, counted back from when it happened (not from now, which may be an hour
 * later): "cctv_from" `range` minutes before `occurred`, "cctv_to" the save. Nothing for a
 * range that is not minutes ("night").
 */
static void cctv_window(const struct lnt_form *fm, uint64_t fields, int64_t occurred, int64_t now,
                        json_t *answers)
{
    char from[LNT_TIME_STRLEN], to[LNT_TIME_STRLEN];
    int64_t mins;

    if (occurred <= 0 || !(fields & fm->answered & LNT_FIELD_BIT(LNT_F_CCTV_RANGE)) ||
        lnt_parse_i64(pick_code(fm, LNT_F_CCTV_RANGE), 1, 24 * 60, &mins) != LNT_OK)
        return;
    if (lnt_time_format(occurred - mins * 60, from) != LNT_OK ||
        lnt_time_format(now > occurred ? now : occurred, to) != LNT_OK)
        return;
    json_object_set_new(answers, "cctv_from", json_string(from));
    json_object_set_new(answers, "cctv_to", json_string(to));
}

/* As lnt_record_details; `occurred` and `now` (0: unknown) place the CCTV window. */
static enum lnt_err details(const struct lnt_form *fm, uint64_t fields, int64_t occurred,
                            int64_t now, struct lnt_buf *out, char *err)
{
    json_t *root = NULL, *answers = NULL;
    char *text = NULL;
    enum lnt_err rc = LNT_OK;

    if (fm->flow <= LNT_FLOW_NONE || fm->flow >= LNT_FLOW__COUNT)
        return lnt_fail(err, LNT_ERR_INVALID, "details: no flow");
    root = json_object();
    answers = json_object();
    if (root == NULL || answers == NULL) {
        json_decref(answers);
        rc = lnt_fail(err, LNT_ERR_NOMEM, "details: out of memory");
        goto out;
    }
    json_object_set_new(root, "v", json_integer(1));
    json_object_set_new(root, "flow", json_string(flow_names[fm->flow]));
    json_object_set_new(root, "report_id", json_string(fm->report_id));
    json_object_set_new(root, "answers", answers);
    for (int f = 1; f < LNT_F__COUNT; f++) {
        if (!(fields & fm->answered & LNT_FIELD_BIT(f)))
            continue;
        if (answer_json(fm, (enum lnt_field)f, answers) != LNT_OK) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "details: out of memory");
            goto out;
        }
    }
    cctv_window(fm, fields, occurred, now, answers);
    text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "details: out of memory");
        goto out;
    }
    if (strlen(text) > LNT_DETAILS_MAX) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "details: %zu bytes, at most %d", strlen(text),
                      LNT_DETAILS_MAX);
        goto out;
    }
    rc = lnt_buf_puts(out, text);
    if (rc != LNT_OK)
        lnt_fail(err, rc, "details: output buffer full");

out:
    free(text);
    json_decref(root);
    return rc;
}

enum lnt_err lnt_record_details(const struct lnt_form *fm, uint64_t fields, struct lnt_buf *out,
                                char *err)
{
    return details(fm, fields, 0, 0, out, err);
}

static bool key_known(const uint8_t *pk)
{
    return pk != NULL && !sodium_is_zero(pk, LNT_BOX_KEY_LEN);
}

static enum lnt_err seal(const struct lnt_form *fm, int64_t now, const uint8_t *box_pk, char *out,
                         char *err)
{
    uint8_t sealed[LNT_DETAILS_MAX + crypto_box_SEALBYTES];
    struct lnt_buf json;
    enum lnt_err rc;

    if (!key_known(box_pk))
        return lnt_fail(err, LNT_ERR_STATE,
                        "the server's sealing key is not known yet: the kiosk must sync first");
    lnt_buf_init(&json, LNT_DETAILS_MAX + 1);
    /* Only what was answered in this save: earlier answers are with the server already. */
    rc = details(fm, fm->answered & ~fm->earlier, lnt_record_when(fm, now), now, &json, err);
    if (rc != LNT_OK)
        goto out;
    if (crypto_box_seal(sealed, (const uint8_t *)json.data, json.len, box_pk) != 0) {
        rc = lnt_fail(err, LNT_ERR_CRYPTO, "details: sealing failed");
        goto out;
    }
    lnt_b64_encode(sealed, json.len + crypto_box_SEALBYTES, out);

out:
    if (json.data != NULL)
        sodium_memzero(json.data, json.len); /* the details in the clear */
    lnt_buf_release(&json);
    return rc;
}

/* Police called, or they took over in the end. */
static bool police_in(const struct lnt_form *fm, enum lnt_field asked)
{
    return lnt_form_yes(fm, asked) || strcmp(pick_code(fm, LNT_F_OUTCOME), "police") == 0;
}

static enum lnt_err incident(const struct lnt_form *fm, bool complete, int64_t now,
                             const uint8_t *box_pk, struct lnt_event *ev, char *err)
{
    struct lnt_ev_incident *in = &ev->u.incident;

    if (fm->report_id[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "incident: no report id");
    ev->type = LNT_EV_INCIDENT;
    lnt_str_copy(in->report_id, sizeof in->report_id, fm->report_id);
    switch (fm->flow) {
    case LNT_FLOW_ANGELA:
        lnt_str_copy(in->kind, sizeof in->kind, "angela");
        in->severity = LNT_SEVERITY_ANGELA;
        in->police_called = police_in(fm, LNT_F_POLICE);
        break;
    case LNT_FLOW_SPIKING:
        lnt_str_copy(in->kind, sizeof in->kind, "spiking");
        in->severity = LNT_SEVERITY_SPIKING;
        in->police_called = police_in(fm, LNT_F_POLICE_TOLD);
        break;
    default:
        lnt_str_copy(in->kind, sizeof in->kind, pick_code(fm, LNT_F_KIND));
        in->severity =
            (fm->answered & LNT_FIELD_BIT(LNT_F_SEVERITY)) ? fm->v[LNT_F_SEVERITY] + 1 : 3;
        in->police_called = police_in(fm, LNT_F_POLICE);
        break;
    }
    /* The server keeps the latest save's clear fields: police called stays called. */
    in->police_called = in->police_called || fm->police_earlier;
    lnt_str_copy(in->place, sizeof in->place, pick_code(fm, LNT_F_PLACE));
    lnt_str_copy(in->outcome, sizeof in->outcome, pick_code(fm, LNT_F_OUTCOME));
    in->complete = complete;
    return seal(fm, now, box_pk, in->sealed, err);
}

enum lnt_err lnt_record_build(const struct lnt_form *fm, const char *staff_id,
                              const struct lnt_ev_shift *running, bool complete, int64_t now,
                              const uint8_t *box_pk, struct lnt_event *ev, char *err)
{
    memset(ev, 0, sizeof *ev);
    ev->occurred_at = lnt_record_when(fm, now);
    ev->recorded_at = now;
    switch (fm->flow) {
    case LNT_FLOW_ANGELA:
    case LNT_FLOW_SPIKING:
    case LNT_FLOW_INCIDENT:
        lnt_str_copy(ev->u.incident.staff_id, sizeof ev->u.incident.staff_id, staff_id);
        return incident(fm, complete, now, box_pk, ev, err);
    case LNT_FLOW_STOCK:
        ev->type = LNT_EV_STOCK;
        lnt_str_copy(ev->u.stock.kind, sizeof ev->u.stock.kind, pick_code(fm, LNT_F_STOCK_KIND));
        ev->u.stock.quantity = fm->v[LNT_F_QUANTITY];
        lnt_str_copy(ev->u.stock.staff_id, sizeof ev->u.stock.staff_id, staff_id);
        return LNT_OK;
    case LNT_FLOW_SHIFT_START: {
        struct lnt_ev_shift *sh = &ev->u.shift;
        const char *cs = pick_code(fm, LNT_F_CALL_SIGN);
        ev->type = LNT_EV_SHIFT_START;
        lnt_str_copy(sh->staff_id, sizeof sh->staff_id, staff_id);
        lnt_str_copy(sh->call_sign, sizeof sh->call_sign,
                     cs[0] != '\0' ? cs : fm->text[LNT_F_CALL_SIGN_TEXT]);
        /* where the team works and whether this volunteer leads it: fields of their own */
        lnt_str_copy(sh->base, sizeof sh->base, pick_code(fm, LNT_F_BASE));
        lnt_str_copy(sh->leader, sizeof sh->leader, pick_code(fm, LNT_F_LEADER));
        sh->team_size = fm->v[LNT_F_TEAM_SIZE];
        return LNT_OK;
    }
    case LNT_FLOW_SHIFT_END: {
        struct lnt_ev_shift *sh = &ev->u.shift;
        ev->type = LNT_EV_SHIFT_END;
        lnt_str_copy(sh->staff_id, sizeof sh->staff_id, staff_id);
        if (running != NULL && running->call_sign[0] != '\0') {
            lnt_str_copy(sh->call_sign, sizeof sh->call_sign, running->call_sign);
            lnt_str_copy(sh->team, sizeof sh->team, running->team);
            sh->team_size = running->team_size > 0 ? running->team_size : 1;
        } else {
            /* Started on another kiosk (or before this one knew): the tallies still count. */
            lnt_str_copy(sh->call_sign, sizeof sh->call_sign, "not recorded here");
            sh->team_size = 1;
        }
        for (int i = 0; i < 8; i++)
            sh->tallies[i] = fm->v[LNT_F_TALLY0 + i];
        return LNT_OK;
    }
    case LNT_FLOW_WELFARE: {
        struct lnt_ev_welfare *w = &ev->u.welfare;
        ev->type = LNT_EV_WELFARE;
        lnt_str_copy(w->staff_id, sizeof w->staff_id, staff_id);
        lnt_str_copy(w->place, sizeof w->place, pick_code(fm, LNT_F_WELFARE_PLACE));
        lnt_str_copy(w->what, sizeof w->what, pick_code(fm, LNT_F_WELFARE_WHAT));
        lnt_str_copy(w->outcome, sizeof w->outcome, pick_code(fm, LNT_F_WELFARE_OUTCOME));
        if (w->place[0] == '\0' || w->what[0] == '\0' || w->outcome[0] == '\0')
            return lnt_fail(err, LNT_ERR_INVALID,
                            "welfare: a place, what happened and the "
                            "outcome are all needed");
        return LNT_OK;
    }
    default:
        return lnt_fail(err, LNT_ERR_INVALID, "record: no flow");
    }
}
