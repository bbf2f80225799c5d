/* svg_labels.c - where the hot-spot map's labels go: greedy, deterministic placement round each
 * marker so that no label covers another label or any marker, with leader lines further out and
 * a numbered key when there is no room at all. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define LABEL_EM 0.62     /* width of a character, in em */
#define LABEL_HALO 3.0    /* the white stroke round the text: half each side */
#define LABEL_LINE 1.25   /* the box's height, in em */
#define LABEL_GAP 4.0     /* between a marker and its label */
#define LABEL_PAD 1.0     /* kept clear round every label when testing for overlaps */
#define LEADER_RINGS 14   /* rings of leader positions tried, nearest first */
#define LEADER_STEP 1.6   /* distance between rings, in label heights */
#define LEADER_SAMPLE 2.0 /* a leader is checked every this many units along it */

/* Directions tried on each ring, in degrees clockwise from east (y grows downwards): the four
 * sides first, then the diagonals, then every 7.5 degrees between, so that a leader can pass
 * between labels already placed. */
#define RING_FINE 48
static double ring_angle(int k)
{
    static const double main_dirs[8] = {0, 180, 270, 90, 315, 225, 45, 135};
    int fine = 0;

    if (k < 8)
        return main_dirs[k];
    k -= 8; /* the k-th of the fine directions that is not a main one */
    for (int a = 0; a < RING_FINE; a++) {
        if (a % (RING_FINE / 8) == 0)
            continue;
        if (fine++ == k)
            return a * (360.0 / RING_FINE);
    }
    return 0;
}

bool lnt_svg_box_overlap(const struct lnt_svg_box *a, const struct lnt_svg_box *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

double lnt_svg_label_width(size_t chars, double font_size)
{
    return (double)chars * font_size * LABEL_EM + LABEL_HALO;
}

struct placer {
    const struct lnt_svg_label_in *in;
    size_t n;
    double w, h;
    struct lnt_svg_box *placed; /* the labels placed so far */
    size_t n_placed;
};

static bool box_free(const struct placer *p, const struct lnt_svg_box *b)
{
    struct lnt_svg_box padded = {b->x - LABEL_PAD, b->y - LABEL_PAD, b->w + 2 * LABEL_PAD,
                                 b->h + 2 * LABEL_PAD};

    if (b->x < 0 || b->y < 0 || b->x + b->w > p->w || b->y + b->h > p->h)
        return false;
    for (size_t i = 0; i < p->n; i++) {
        struct lnt_svg_box m = {p->in[i].x - p->in[i].r, p->in[i].y - p->in[i].r, 2 * p->in[i].r,
                                2 * p->in[i].r};
        if (lnt_svg_box_overlap(&padded, &m))
            return false;
    }
    for (size_t i = 0; i < p->n_placed; i++)
        if (lnt_svg_box_overlap(&padded, &p->placed[i]))
            return false;
    return true;
}

/* Whether a leader from (x1, y1) to (x2, y2) stays clear of every label placed so far. */
static bool line_free(const struct placer *p, double x1, double y1, double x2, double y2)
{
    double len = hypot(x2 - x1, y2 - y1);
    int steps = (int)(len / LEADER_SAMPLE) + 1;

    for (int s = 0; s <= steps; s++) {
        double t = (double)s / steps, x = x1 + t * (x2 - x1), y = y1 + t * (y2 - y1);
        for (size_t i = 0; i < p->n_placed; i++) {
            const struct lnt_svg_box *b = &p->placed[i];
            if (x > b->x && x < b->x + b->w && y > b->y && y < b->y + b->h)
                return false;
        }
    }
    return true;
}

/* A place for a bw by bh box right beside marker `m`; false when no side is free. */
static bool side_spot(const struct placer *p, const struct lnt_svg_label_in *m, double bw,
                      double bh, struct lnt_svg_label_out *out)
{
    const struct lnt_svg_box side[4] = {
        {m->x + m->r + LABEL_GAP, m->y - bh / 2, bw, bh},      /* right */
        {m->x - m->r - LABEL_GAP - bw, m->y - bh / 2, bw, bh}, /* left */
        {m->x - bw / 2, m->y - m->r - LABEL_GAP - bh, bw, bh}, /* above */
        {m->x - bw / 2, m->y + m->r + LABEL_GAP, bw, bh},      /* below */
    };
    static const enum lnt_svg_label_how side_how[4] = {LNT_SVG_LABEL_RIGHT, LNT_SVG_LABEL_LEFT,
                                                       LNT_SVG_LABEL_ABOVE, LNT_SVG_LABEL_BELOW};

    for (int i = 0; i < 4; i++)
        if (box_free(p, &side[i])) {
            out->how = side_how[i];
            out->box = side[i];
            out->line = false;
            return true;
        }
    return false;
}

/* A place for a bw by bh box further out from marker `m`, with a leader; false when none. */
static bool leader_spot(const struct placer *p, const struct lnt_svg_label_in *m, double bw,
                        double bh, struct lnt_svg_label_out *out)
{
    for (int ring = 1; ring <= LEADER_RINGS; ring++) {
        double d = m->r + LABEL_GAP + ring * LEADER_STEP * bh;
        for (int a = 0; a < RING_FINE; a++) {
            double rad = ring_angle(a) * M_PI / 180.0, c = cos(rad), s = sin(rad);
            double px = m->x + d * c, py = m->y + d * s;
            struct lnt_svg_box b = {c >= -1e-9 ? px : px - bw, py - bh / 2, bw, bh};
            /* the label hangs off the leader's end away from the marker (never centred on it,
             * which would stand across the way out for the leaders after it) */
            if (s > 0.3)
                b.y = py;
            else if (s < -0.3)
                b.y = py - bh;
            if (!box_free(p, &b) || !line_free(p, m->x + m->r * c, m->y + m->r * s, px, py))
                continue;
            out->how = LNT_SVG_LABEL_LEADER;
            out->box = b;
            out->line = true;
            out->line_x1 = m->x + m->r * c;
            out->line_y1 = m->y + m->r * s;
            out->line_x2 = px;
            out->line_y2 = py;
            return true;
        }
    }
    return false;
}

/* Whether the marker order[k] touches one placed before it (within a label's gap). */
static bool crowded(const struct lnt_svg_label_in *in, const size_t *order, size_t k)
{
    const struct lnt_svg_label_in *m = &in[order[k]];

    for (size_t j = 0; j < k; j++) {
        const struct lnt_svg_label_in *o = &in[order[j]];
        double reach = m->r + o->r + LABEL_GAP;
        if (fabs(m->x - o->x) < reach && fabs(m->y - o->y) < reach)
            return true;
    }
    return false;
}

/* Larger markers first, then by index: the order labels are placed in. */
static int by_size(const void *a, const void *b, const struct lnt_svg_label_in *in)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;

    if (in[i].r != in[j].r)
        return in[i].r > in[j].r ? -1 : 1;
    return i < j ? -1 : i > j;
}

void lnt_svg_labels_place(const struct lnt_svg_label_in *in, size_t n, double font_size, double w,
                          double h, struct lnt_svg_label_out *out)
{
    struct placer p = {in, n, w, h, NULL, 0};
    size_t *order;
    bool *placed;
    double bh = font_size * LABEL_LINE;
    int keys = 0;

    memset(out, 0, n * sizeof *out);
    order = malloc((n > 0 ? n : 1) * sizeof *order);
    placed = calloc(n > 0 ? n : 1, sizeof *placed);
    p.placed = malloc((n > 0 ? n : 1) * sizeof *p.placed);
    if (order == NULL || placed == NULL ||
        p.placed == NULL) { /* no memory to place them: every one keyed */
        for (size_t i = 0; i < n; i++) {
            out[i].how = LNT_SVG_LABEL_KEYED;
            out[i].key = (int)i + 1;
        }
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort: stable, and n is the number of points on one map */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && by_size(&order[j - 1], &order[j], in) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    /* First every label that fits beside its marker, so that the leaders of a crowded cluster
     * do not wall in a marker near it; but in a cluster (markers touching) only the first
     * marker's, since four labels round one spot would leave no way out for the others'
     * leaders. Then the leaders; then beside the marker after all; then the numbers. */
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        if (crowded(in, order, k))
            continue;
        placed[i] = side_spot(&p, &in[i], lnt_svg_label_width(in[i].chars, font_size), bh, &out[i]);
        if (placed[i])
            p.placed[p.n_placed++] = out[i].box;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k];
            double lw = lnt_svg_label_width(in[i].chars, font_size);
            if (placed[i])
                continue;
            placed[i] = pass == 0 ? leader_spot(&p, &in[i], lw, bh, &out[i])
                                  : side_spot(&p, &in[i], lw, bh, &out[i]);
            if (placed[i])
                p.placed[p.n_placed++] = out[i].box;
        }
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        char num[16];
        double nw;
        if (placed[i])
            continue;
        out[i].key = ++keys;
        snprintf(num, sizeof num, "%d", out[i].key);
        nw = lnt_svg_label_width(strlen(num), font_size);
        if (side_spot(&p, &in[i], nw, bh, &out[i]) || leader_spot(&p, &in[i], nw, bh, &out[i]))
            p.placed[p.n_placed++] = out[i].box;
        else
            memset(&out[i].box, 0, sizeof out[i].box);
        out[i].how = LNT_SVG_LABEL_KEYED;
    }
out:
    free(order);
    free(placed);
    free(p.placed);
}
