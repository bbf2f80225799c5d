/* finder.c - a cheap look for QR finder patterns, so the decoder only wakes for frames that may
 * hold a code. */
#include "finder.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Costs: every fourth row and column, a few integer operations a pixel:
 * under a millisecond for a 640x480 frame on the build machine, where a
 * ZBar pass costs 3 to 15. The numbers below are chosen for the smallest
 * code the kiosk must read, 3 px per module: its finder's centre square is
 * 9 px across, so lines 4 px apart cross it at least twice, even turned 45
 * degrees. The threshold's window and hysteresis were tuned on
 * bench_kiosk's renders and grainy bare walls: low contrast with blur needs
 * a small hysteresis, grain a larger one, so it follows the frame's noise.
 */
#define LINE_STEP 4       /* rows and columns looked along */
#define WINDOW_HALF 32    /* a pixel is judged against the mean of the 65 around it on its line */
#define HYSTERESIS 3      /* grey levels past that mean before a pixel changes colour, at least */
#define NOISE_SHARE 75    /* ... and this % of the frame's noise level (noise_level) */
#define NOISE_ROW_STEP 16 /* rows sampled for the noise level */
#define MIN_WIDTH 9       /* narrowest finder looked for, in pixels (1.3 px per module) */
#define MAX_HITS 512      /* finder-like runs kept per direction; more is a crowded frame */
#define MAX_POINTS 64     /* row-and-column agreements kept; more is a crowded frame */
#define MERGE_MODULES 2   /* agreements this close are the same finder */
#define MIN_APART 8       /* one code's finder centres are 14 to 170 modules apart (10 at 45 deg) */
#define MAX_APART 200
#define MAX_SIZE_RATIO 2 /* one code's finders differ in module size by less (tilt) */
#define MIN_VOTE_SHARE 5 /* a finder shows on at least 1/5 of the lines through its centre */
#define MARGIN_MODULES 8 /* finder centre to the code's edge (3.5), quiet zone (4), and some */
#define CELL_MIN 16      /* texture cells are this many pixels a side, or more on large frames */
#define GRID_MAX 64      /* ... so that the grid is at most this many cells a side */
#define CELL_EDGES 4   /* colour changes along a cell's 4 rows, and along its 4 columns, at least */
#define TEXTURE_BAND 2 /* times the finder look's hysteresis, for counting changes of colour */
#define MIN_CELLS 12   /* cells in a textured patch: a 21-module code at 3 px is about 16 */

enum { DARK = 0, LIGHT = 1 };

/* A dark-light-dark-light-dark run in 1:1:3:1:1 along one line. */
struct hit {
    int line;  /* row y, or column x */
    int c2;    /* centre along the line, in half pixels */
    int width; /* of the whole pattern, pixels */
};

struct hits {
    size_t n;
    bool full;
    struct hit h[MAX_HITS];
};

/*
 * Colour changes counted per cell of the frame, along rows and along columns separately. A code
 * changes colour every two modules or so, both ways; a wall, a shelf's edges, stripes or grain
 * do not, both ways, over a code-sized patch.
 */
struct texture {
    int cell;       /* pixels a side */
    int gw, gh;     /* cells across and down */
    uint16_t *line; /* where this line's counts go: the cell row (rows) or column (columns) */
    size_t step;    /* from one cell to the next along the line */
    uint16_t along_rows[GRID_MAX * GRID_MAX];
    uint16_t along_cols[GRID_MAX * GRID_MAX];
};

/* Sums of the agreements merged into one place. */
struct point {
    double sx, sy, sm;
    int votes;
};

/* Whether five runs (dark first) are in the proportions 1:1:3:1:1, loosely: the decoder is strict.
 */
static bool finder_runs(const int r[5], int *width)
{
    int t = r[0] + r[1] + r[2] + r[3] + r[4];

    if (t < MIN_WIDTH)
        return false;
    for (int k = 0; k < 5; k++)
        if (k != 2 && abs(7 * r[k] - t) * 5 > 3 * t) /* one module, give or take 60% */
            return false;
    if (abs(7 * r[2] - 3 * t) > t) /* three modules, give or take one */
        return false;
    *width = t;
    return true;
}

/*
 * Walks one line of `n` pixels, `step` bytes apart, and appends its finder-like runs to `out`.
 * `v` is scratch of n entries. A pixel is dark when it is `hysteresis` below the mean of its
 * window, light when as far above it, and otherwise keeps the colour before it: a flat wall's
 * sensor noise seldom makes runs, and the inside of a large dark module never does.
 */
static void scan_line(const uint8_t *p, size_t step, int n, int line, int hysteresis, uint16_t *v,
                      struct texture *tex, struct hits *out)
{
    int32_t sum = 0;
    int lo = 0, hi = 0, colour = -1, tcolour = -1, start = 0, nruns = 0, width = 0;
    int r[5] = {0};

    if (n < MIN_WIDTH || out->full)
        return;
    /* [1 2 1] smoothing along the line takes the edge off single-pixel noise (x4 scale). Each
     * pixel is read once: columns are read across rows. */
    {
        unsigned a = p[0], b = p[0], c;
        const uint8_t *q = p;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n) {
                q += step;
                c = *q;
            } else {
                c = b;
            }
            v[i] = (uint16_t)(a + 2 * b + c);
            a = b;
            b = c;
        }
    }

    for (int i = 0; i < n; i++) {
        int want_hi = i + WINDOW_HALF + 1 < n ? i + WINDOW_HALF + 1 : n;
        int want_lo = i > WINDOW_HALF ? i - WINDOW_HALF : 0;
        int32_t cnt, x, band;
        int c, tc;

        while (hi < want_hi)
            sum += v[hi++];
        while (lo < want_lo)
            sum -= v[lo++];
        cnt = hi - lo;
        x = (int32_t)v[i] * cnt;
        band = 4 * hysteresis * cnt;
        /* The texture count wants a firmer change of colour than the finder look, or a grainy
         * wall would be busy all over. */
        tc = x < sum - TEXTURE_BAND * band ? DARK : x > sum + TEXTURE_BAND * band ? LIGHT : tcolour;
        if (tc != tcolour) {
            if (tcolour >= 0) {
                uint16_t *t = tex->line + (size_t)(i / tex->cell) * tex->step;
                *t += *t < UINT16_MAX;
            }
            tcolour = tc;
        }
        c = x < sum - band ? DARK : x > sum + band ? LIGHT : colour;
        if (c == colour)
            continue;
        if (colour >= 0) {
            memmove(r, r + 1, 4 * sizeof r[0]);
            r[4] = i - start;
            nruns++;
            if (colour == DARK && nruns >= 5 && finder_runs(r, &width)) {
                if (out->n == MAX_HITS) {
                    out->full = true;
                    return;
                }
                out->h[out->n].line = line;
                out->h[out->n].c2 = 2 * (i - r[4] - r[3] - r[2]) + r[2];
                out->h[out->n].width = width;
                out->n++;
            }
        }
        colour = c;
        start = i;
    }
}

/*
 * The hysteresis for this frame, from its sensor noise: the median difference between
 * neighbouring pixels along a few rows is about the noise's standard deviation whatever is in
 * view, since edges are few among them. A grainy camera in a dark venue would otherwise make
 * finder-like runs all over a bare wall.
 */
static int noise_level(const struct lnt_image *img)
{
    uint32_t hist[256] = {0}, total = 0, seen = 0;

    for (int y = NOISE_ROW_STEP / 2; y < img->h; y += NOISE_ROW_STEP) {
        const uint8_t *row = img->px + (size_t)y * img->stride;
        for (int x = 1; x < img->w; x++)
            hist[abs((int)row[x] - (int)row[x - 1])]++;
        total += (uint32_t)img->w - 1;
    }
    for (int d = 0; d < 256; d++) {
        seen += hist[d];
        if (2 * seen >= total)
            return d * NOISE_SHARE / 100 > HYSTERESIS ? d * NOISE_SHARE / 100 : HYSTERESIS;
    }
    return HYSTERESIS;
}

/* Whether cell k has changes of colour both ways, densely enough for a code. */
static bool busy_cell(const struct texture *tex, int k)
{
    return tex->along_rows[k] >= CELL_EDGES && tex->along_cols[k] >= CELL_EDGES;
}

/*
 * The largest patch of busy cells (joined side to side) that could be a code: MIN_CELLS or more,
 * filling at least half its bounding box, neither side over twice the other. Its box, one cell
 * of margin around, goes in out->t*; out->textured says whether there was one. `seen` is scratch
 * of GRID_MAX^2.
 */
static void find_texture(const struct lnt_image *img, const struct texture *tex,
                         struct lnt_finder_look *out)
{
    uint8_t seen[GRID_MAX * GRID_MAX];
    int stack[GRID_MAX * GRID_MAX];
    int best = 0, n_cells = tex->gw * tex->gh;

    memset(seen, 0, (size_t)n_cells);
    for (int k0 = 0; k0 < n_cells; k0++) {
        int top = 0, count = 0, x0 = tex->gw, y0 = tex->gh, x1 = -1, y1 = -1, bw, bh;
        if (seen[k0] || !busy_cell(tex, k0))
            continue;
        seen[k0] = 1;
        stack[top++] = k0;
        while (top > 0) {
            int k = stack[--top], cx = k % tex->gw, cy = k / tex->gw;
            const int nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
            count++;
            x0 = cx < x0 ? cx : x0;
            y0 = cy < y0 ? cy : y0;
            x1 = cx > x1 ? cx : x1;
            y1 = cy > y1 ? cy : y1;
            for (int d = 0; d < 4; d++) {
                int nx = cx + nb[d][0], ny = cy + nb[d][1], kn = ny * tex->gw + nx;
                if (nx < 0 || ny < 0 || nx >= tex->gw || ny >= tex->gh || seen[kn] ||
                    !busy_cell(tex, kn))
                    continue;
                seen[kn] = 1;
                stack[top++] = kn;
            }
        }
        bw = x1 - x0 + 1;
        bh = y1 - y0 + 1;
        if (count < MIN_CELLS || count <= best || 2 * count < bw * bh || bw > 2 * bh || bh > 2 * bw)
            continue;
        best = count;
        out->textured = true;
        out->tx0 = (x0 - 1) * tex->cell < 0 ? 0 : (x0 - 1) * tex->cell;
        out->ty0 = (y0 - 1) * tex->cell < 0 ? 0 : (y0 - 1) * tex->cell;
        out->tx1 = (x1 + 2) * tex->cell > img->w ? img->w : (x1 + 2) * tex->cell;
        out->ty1 = (y1 + 2) * tex->cell > img->h ? img->h : (y1 + 2) * tex->cell;
    }
}

/* Adds an agreement at (x, y) to the place it belongs to; false when there is no room. */
static bool add_point(struct point *pts, size_t *n, double x, double y, double m)
{
    for (size_t i = 0; i < *n; i++) {
        double px = pts[i].sx / pts[i].votes, py = pts[i].sy / pts[i].votes;
        double pm = pts[i].sm / pts[i].votes;
        if (fabs(px - x) <= MERGE_MODULES * pm && fabs(py - y) <= MERGE_MODULES * pm) {
            pts[i].sx += x;
            pts[i].sy += y;
            pts[i].sm += m;
            pts[i].votes++;
            return true;
        }
    }
    if (*n == MAX_POINTS)
        return false;
    pts[*n].sx = x;
    pts[*n].sy = y;
    pts[*n].sm = m;
    pts[*n].votes = 1;
    (*n)++;
    return true;
}

/*
 * Whether a place was seen along enough lines for its size. A real finder's
 * centre square, 3 modules across, is crossed by about 3m / LINE_STEP rows
 * and as many columns, and every row agrees with every column: never fewer
 * than two agreements. A few blocks of a shelf that happen to nest in
 * 1:1:3:1:1 along one row and one column do not, and are usually large.
 */
static bool well_seen(const struct lnt_finder *f)
{
    double lines = 3 * f->module / LINE_STEP;

    return f->votes >= 2 && f->votes * MIN_VOTE_SHARE >= lines * lines;
}

/* Whether finders a and b could be two corners of one code. */
static bool could_pair(const struct lnt_finder *a, const struct lnt_finder *b)
{
    double m = (a->module + b->module) / 2, d = hypot(a->x - b->x, a->y - b->y);

    return well_seen(a) && well_seen(b) && a->module <= MAX_SIZE_RATIO * b->module &&
           b->module <= MAX_SIZE_RATIO * a->module && d >= MIN_APART * m && d <= MAX_APART * m;
}

static int by_rank(const void *pa, const void *pb)
{
    const struct lnt_finder *a = pa, *b = pb;

    if (a->paired != b->paired)
        return a->paired ? -1 : 1;
    return (a->votes < b->votes) - (a->votes > b->votes);
}

/* Grows the box [*x0, *x1] x [*y0, *y1] to hold (x, y). */
static void box_add(double *x0, double *y0, double *x1, double *y1, double x, double y)
{
    *x0 = x < *x0 ? x : *x0;
    *y0 = y < *y0 ? y : *y0;
    *x1 = x > *x1 ? x : *x1;
    *y1 = y > *y1 ? y : *y1;
}

/* Whether a, b, c could be one code's three finders: each pair could, and they make a corner. */
static bool could_be_code(const struct lnt_finder *a, const struct lnt_finder *b,
                          const struct lnt_finder *c)
{
    double d[3], t;

    if (!could_pair(a, b) || !could_pair(a, c) || !could_pair(b, c))
        return false;
    d[0] = hypot(a->x - b->x, a->y - b->y);
    d[1] = hypot(a->x - c->x, a->y - c->y);
    d[2] = hypot(b->x - c->x, b->y - c->y);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 - i; j++)
            if (d[j] > d[j + 1]) {
                t = d[j];
                d[j] = d[j + 1];
                d[j + 1] = t;
            }
    /* Two sides about equal and a right angle between them; loosely, as a tilted card has
     * neither quite. */
    return d[1] <= 1.5 * d[0] &&
           fabs(d[2] * d[2] - d[0] * d[0] - d[1] * d[1]) <= 0.35 * (d[0] * d[0] + d[1] * d[1]);
}

/*
 * Puts the finders the box is built from first in out->c and returns how many: the three
 * most-seen that make a code's corner, else the two paired ones when only two are, else 0.
 */
static size_t pick_corners(struct lnt_finder_look *out)
{
    size_t n = out->n_paired < out->n ? out->n_paired : out->n, best[3] = {0, 0, 0};
    int best_votes = -1;

    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            for (size_t k = j + 1; k < n; k++) {
                int v = out->c[i].votes + out->c[j].votes + out->c[k].votes;
                if (v > best_votes && could_be_code(&out->c[i], &out->c[j], &out->c[k])) {
                    best_votes = v;
                    best[0] = i;
                    best[1] = j;
                    best[2] = k;
                }
            }
    if (best_votes >= 0) {
        for (size_t i = 0; i < 3; i++) {
            struct lnt_finder t = out->c[i];
            out->c[i] = out->c[best[i]];
            out->c[best[i]] = t;
        }
        return 3;
    }
    return n == 2 ? 2 : 0;
}

/*
 * The box the code would fill, from the finders pick_corners chose. Three: the corner finder is
 * the one facing the longest side, and the fourth corner completes the parallelogram. Two: they
 * may be neighbours or opposite corners, so the box holds the square on either side of them.
 * None (several codes, or nothing that makes a corner): the whole frame.
 */
static void code_box(const struct lnt_image *img, struct lnt_finder_look *out)
{
    const struct lnt_finder *c = out->c;
    size_t n = out->crowded ? 0 : pick_corners(out);
    double x0 = c[0].x, y0 = c[0].y, x1 = c[0].x, y1 = c[0].y, m = 0, margin;

    out->x0 = 0;
    out->y0 = 0;
    out->x1 = img->w;
    out->y1 = img->h;
    if (n < 2)
        return;
    out->n_corners = n;
    for (size_t i = 0; i < n; i++) {
        box_add(&x0, &y0, &x1, &y1, c[i].x, c[i].y);
        m = c[i].module > m ? c[i].module : m;
    }
    if (n == 3) {
        double d01 = hypot(c[0].x - c[1].x, c[0].y - c[1].y);
        double d02 = hypot(c[0].x - c[2].x, c[0].y - c[2].y);
        double d12 = hypot(c[1].x - c[2].x, c[1].y - c[2].y);
        size_t a = d12 >= d01 && d12 >= d02 ? 0 : d02 >= d01 ? 1 : 2;
        size_t b = (a + 1) % 3, e = (a + 2) % 3;
        box_add(&x0, &y0, &x1, &y1, c[b].x + c[e].x - c[a].x, c[b].y + c[e].y - c[a].y);
    } else {
        double nx = -(c[1].y - c[0].y), ny = c[1].x - c[0].x;
        for (size_t i = 0; i < 2; i++) {
            box_add(&x0, &y0, &x1, &y1, c[i].x + nx, c[i].y + ny);
            box_add(&x0, &y0, &x1, &y1, c[i].x - nx, c[i].y - ny);
        }
    }
    margin = MARGIN_MODULES * m + 2;
    x0 = floor(x0 - margin);
    y0 = floor(y0 - margin);
    x1 = ceil(x1 + margin);
    y1 = ceil(y1 + margin);
    out->x0 = x0 < 0 ? 0 : (int)x0;
    out->y0 = y0 < 0 ? 0 : (int)y0;
    out->x1 = x1 > img->w ? img->w : (int)x1;
    out->y1 = y1 > img->h ? img->h : (int)y1;
}

void lnt_finder_look(const struct lnt_image *img, struct lnt_finder_look *out)
{
    uint16_t v[LNT_IMAGE_MAX_DIM];
    struct hits rows, cols;
    struct point pts[MAX_POINTS];
    struct lnt_finder all[MAX_POINTS];
    struct texture tex;
    size_t n_pts = 0;
    int hyst, side;

    memset(out, 0, sizeof *out);
    out->x1 = img->w > 0 ? img->w : 0;
    out->y1 = img->h > 0 ? img->h : 0;
    if (img->px == NULL || img->w < MIN_WIDTH || img->h < MIN_WIDTH || img->w > LNT_IMAGE_MAX_DIM ||
        img->h > LNT_IMAGE_MAX_DIM || img->stride < (size_t)img->w)
        return;
    hyst = noise_level(img);
    rows.n = cols.n = 0;
    rows.full = cols.full = false;
    side = img->w > img->h ? img->w : img->h;
    tex.cell =
        (side + GRID_MAX - 1) / GRID_MAX > CELL_MIN ? (side + GRID_MAX - 1) / GRID_MAX : CELL_MIN;
    tex.gw = (img->w + tex.cell - 1) / tex.cell;
    tex.gh = (img->h + tex.cell - 1) / tex.cell;
    memset(tex.along_rows, 0, sizeof tex.along_rows);
    memset(tex.along_cols, 0, sizeof tex.along_cols);
    tex.step = 1;
    for (int y = LINE_STEP / 2; y < img->h; y += LINE_STEP) {
        tex.line = tex.along_rows + (size_t)(y / tex.cell) * (size_t)tex.gw;
        scan_line(img->px + (size_t)y * img->stride, 1, img->w, y, hyst, v, &tex, &rows);
    }
    tex.step = (size_t)tex.gw;
    for (int x = LINE_STEP / 2; x < img->w; x += LINE_STEP) {
        tex.line = tex.along_cols + x / tex.cell;
        scan_line(img->px + x, img->stride, img->h, x, hyst, v, &tex, &cols);
    }
    out->crowded = rows.full || cols.full;
    find_texture(img, &tex, out);

    /* A finder is where a row's pattern and a column's cross, each through the other's centre. */
    for (size_t i = 0; i < rows.n && !out->crowded; i++) {
        const struct hit *r = &rows.h[i];
        double cx = r->c2 / 2.0, ry = r->line + 0.5, mr = r->width / 7.0;
        for (size_t j = 0; j < cols.n; j++) {
            const struct hit *c = &cols.h[j];
            double cy = c->c2 / 2.0, cx2 = c->line + 0.5, mc = c->width / 7.0;
            if (r->width > MAX_SIZE_RATIO * c->width || c->width > MAX_SIZE_RATIO * r->width)
                continue;
            if (fabs(cx2 - cx) > 1.5 * mr || fabs(ry - cy) > 1.5 * mc)
                continue;
            if (!add_point(pts, &n_pts, cx, cy, (mr + mc) / 2)) {
                out->crowded = true;
                break;
            }
        }
    }

    memset(all, 0, sizeof all);
    for (size_t i = 0; i < n_pts; i++) {
        all[i].x = pts[i].sx / pts[i].votes;
        all[i].y = pts[i].sy / pts[i].votes;
        all[i].module = pts[i].sm / pts[i].votes;
        all[i].votes = pts[i].votes;
    }
    for (size_t i = 0; i < n_pts; i++)
        for (size_t j = i + 1; j < n_pts; j++)
            if (could_pair(&all[i], &all[j]))
                all[i].paired = all[j].paired = true;
    for (size_t i = 0; i < n_pts; i++)
        out->n_paired += all[i].paired;
    qsort(all, n_pts, sizeof all[0], by_rank);
    out->n = n_pts < LNT_FINDER_MAX ? n_pts : LNT_FINDER_MAX;
    memcpy(out->c, all, out->n * sizeof all[0]);
    out->worth_decoding = out->crowded || out->n_paired >= 2;
    code_box(img, out);
}

size_t lnt_finder_triples(const struct lnt_finder_look *look, size_t (*out)[3], size_t max)
{
    size_t n = look->n_paired < look->n ? look->n_paired : look->n, found = 0;
    int votes[LNT_FINDER_TRIPLES_MAX];

    max = max < LNT_FINDER_TRIPLES_MAX ? max : LNT_FINDER_TRIPLES_MAX;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            for (size_t k = j + 1; k < n; k++) {
                int v = look->c[i].votes + look->c[j].votes + look->c[k].votes;
                size_t at;
                if (!could_be_code(&look->c[i], &look->c[j], &look->c[k]))
                    continue;
                /* Insert in order of votes, most first; drop what falls off the end. */
                for (at = found; at > 0 && votes[at - 1] < v; at--)
                    ;
                if (at >= max)
                    continue;
                for (size_t m = (found < max ? found : max - 1); m > at; m--) {
                    votes[m] = votes[m - 1];
                    memcpy(out[m], out[m - 1], sizeof out[m]);
                }
                votes[at] = v;
                out[at][0] = i;
                out[at][1] = j;
                out[at][2] = k;
                found += found < max;
            }
    return found;
}
