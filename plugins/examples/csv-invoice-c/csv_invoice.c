/*
 * Example plugin written in C against mercator_plugin.h, with no Rust on its side:
 * the invoice format CSV_LINES renders an invoice's lines as CSV (RFC 4180 quoting, CRLF),
 * one row per line and a closing TOTAL row.
 *
 * Build:  cc -std=c11 -O2 -shared -fPIC -I plugins/sdk/include \
 *            -o libcsv_invoice.so plugins/examples/csv-invoice-c/csv_invoice.c
 * Configuration (optional): { "separator": ";" }  (one ASCII character, default ",").
 *
 * It carries a small JSON reader (objects, arrays, strings with escapes, numbers, literals)
 * because the request is JSON; decimals arrive as strings and are copied verbatim.
 */
#include "mercator_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ a small JSON reader */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jnode {
    enum jtype type;
    char *key;          /* member name inside an object (decoded), else NULL */
    char *text;         /* decoded string, or the number's literal text */
    size_t len;
    int boolean;
    struct jnode *child; /* first element or member */
    struct jnode *next;  /* next sibling */
} jnode;

typedef struct {
    const char *p, *end;
    int depth;
} jparser;

static void jfree(jnode *n) {
    while (n) {
        jnode *next = n->next;
        jfree(n->child);
        free(n->key);
        free(n->text);
        free(n);
        n = next;
    }
}

static void skip_ws(jparser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

/* Reads a string at ps->p (on the opening quote); returns a malloc'd decoded copy. */
static char *jstring(jparser *ps, size_t *len) {
    if (ps->p >= ps->end || *ps->p != '"') return NULL;
    ps->p++;
    /* decoded is never longer than the source */
    const char *start = ps->p;
    size_t cap = 1;
    for (const char *q = start; q < ps->end && *q != '"'; q++) { cap++; if (*q == '\\') { q++; cap++; } }
    char *o = malloc(cap + 4);
    if (!o) return NULL;
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) { free(o); return NULL; }
        if (c != '\\') { o[n++] = (char)c; continue; }
        if (ps->p >= ps->end) { free(o); return NULL; }
        char e = *ps->p++;
        switch (e) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (ps->end - ps->p < 4 || !hex4(ps->p, &cp)) { free(o); return NULL; }
            ps->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || !hex4(ps->p + 2, &lo)
                    || lo < 0xDC00 || lo > 0xDFFF) { free(o); return NULL; }
                ps->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            n += put_utf8(o + n, cp);
            break;
        }
        default: free(o); return NULL;
        }
    }
    if (ps->p >= ps->end) { free(o); return NULL; }
    ps->p++; /* closing quote */
    o[n] = 0;
    *len = n;
    return o;
}

static jnode *jvalue(jparser *ps);

static jnode *jnew(enum jtype t) {
    jnode *n = calloc(1, sizeof *n);
    if (n) n->type = t;
    return n;
}

static jnode *jcontainer(jparser *ps, int is_obj) {
    jnode *n = jnew(is_obj ? J_OBJ : J_ARR);
    if (!n) return NULL;
    char close = is_obj ? '}' : ']';
    ps->p++;
    if (++ps->depth > 64) { jfree(n); return NULL; }
    skip_ws(ps);
    jnode **tail = &n->child;
    if (ps->p < ps->end && *ps->p == close) { ps->p++; ps->depth--; return n; }
    for (;;) {
        char *key = NULL;
        size_t klen = 0;
        skip_ws(ps);
        if (is_obj) {
            key = jstring(ps, &klen);
            if (!key) { jfree(n); return NULL; }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') { free(key); jfree(n); return NULL; }
            ps->p++;
        }
        jnode *v = jvalue(ps);
        if (!v) { free(key); jfree(n); return NULL; }
        v->key = key;
        *tail = v;
        tail = &v->next;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; ps->depth--; return n; }
        jfree(n);
        return NULL;
    }
}

static jnode *jvalue(jparser *ps) {
    skip_ws(ps);
    if (ps->p >= ps->end) return NULL;
    char c = *ps->p;
    if (c == '{' || c == '[') return jcontainer(ps, c == '{');
    if (c == '"') {
        jnode *n = jnew(J_STR);
        if (!n) return NULL;
        n->text = jstring(ps, &n->len);
        if (!n->text) { free(n); return NULL; }
        return n;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = ps->p;
        while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p)) ps->p++;
        jnode *n = jnew(J_NUM);
        if (!n) return NULL;
        n->len = (size_t)(ps->p - s);
        n->text = malloc(n->len + 1);
        if (!n->text) { free(n); return NULL; }
        memcpy(n->text, s, n->len);
        n->text[n->len] = 0;
        return n;
    }
    struct { const char *lit; enum jtype t; int b; } lits[] = {
        {"true", J_BOOL, 1}, {"false", J_BOOL, 0}, {"null", J_NULL, 0}};
    for (size_t i = 0; i < 3; i++) {
        size_t l = strlen(lits[i].lit);
        if ((size_t)(ps->end - ps->p) >= l && memcmp(ps->p, lits[i].lit, l) == 0) {
            ps->p += l;
            jnode *n = jnew(lits[i].t);
            if (n) n->boolean = lits[i].b;
            return n;
        }
    }
    return NULL;
}

static jnode *jparse(const uint8_t *bytes, size_t len) {
    jparser ps = {(const char *)bytes, (const char *)bytes + len, 0};
    jnode *root = jvalue(&ps);
    skip_ws(&ps);
    if (root && ps.p != ps.end) { jfree(root); return NULL; }
    return root;
}

static const jnode *jget(const jnode *obj, const char *key) {
    if (!obj || obj->type != J_OBJ) return NULL;
    for (const jnode *m = obj->child; m; m = m->next)
        if (m->key && strcmp(m->key, key) == 0) return m;
    return NULL;
}

static const char *jtext(const jnode *n) {
    return (n && (n->type == J_STR || n->type == J_NUM)) ? n->text : "";
}

/* ------------------------------------------------------------------ output buffer */

typedef struct { uint8_t *ptr; size_t len, cap; int failed; } out_t;

static void put(out_t *o, const char *s, size_t n) {
    if (o->failed) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        uint8_t *p = realloc(o->ptr, cap);
        if (!p) { o->failed = 1; return; }
        o->ptr = p;
        o->cap = cap;
    }
    memcpy(o->ptr + o->len, s, n);
    o->len += n;
}

static void puts_(out_t *o, const char *s) { put(o, s, strlen(s)); }

/* What init builds from the configuration: one per init, passed back as `instance`. */
typedef struct {
    MercatorPluginApi api;
    char separator;
} csv_plugin;

/* One CSV field, quoted when it holds the separator, a quote or a line break. */
static void field(out_t *o, char separator, const char *s, int last) {
    int quote = strchr(s, separator) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r');
    if (quote) {
        put(o, "\"", 1);
        for (const char *c = s; *c; c++) {
            if (*c == '"') put(o, "\"\"", 2);
            else put(o, c, 1);
        }
        put(o, "\"", 1);
    } else {
        puts_(o, s);
    }
    put(o, last ? "\r\n" : &separator, last ? 2 : 1);
}

static MercatorStatus reply(MercatorBuffer *resp, out_t *o, MercatorStatus st) {
    if (o->failed) { free(o->ptr); o->ptr = NULL; o->len = o->cap = 0; st = MERCATOR_PLUGIN_FAULT; }
    resp->ptr = o->ptr;
    resp->len = o->len;
    resp->cap = o->cap;
    return st;
}

static MercatorStatus message(MercatorBuffer *resp, MercatorStatus st, const char *text) {
    out_t o = {0};
    puts_(&o, text);
    return reply(resp, &o, st);
}

/* ------------------------------------------------------------------ the ABI */

static void free_buffer(MercatorBuffer b) { free(b.ptr); }

static MercatorStatus render(void *instance, const uint8_t *req, size_t len, MercatorBuffer *resp) {
    if (!resp || !instance) return MERCATOR_PLUGIN_FAULT;
    const char sep = ((const csv_plugin *)instance)->separator;
    jnode *root = jparse(req, len);
    if (!root) return message(resp, MERCATOR_PLUGIN_FAULT, "unreadable request: not valid JSON");
    const jnode *format = jget(root, "format");
    if (!format || format->type != J_STR || strcmp(format->text, "CSV_LINES") != 0) {
        jfree(root);
        resp->ptr = NULL; resp->len = resp->cap = 0;
        return MERCATOR_UNSUPPORTED;
    }
    const jnode *inv = jget(root, "invoice");
    const jnode *lines = jget(inv, "lines");
    if (!lines || lines->type != J_ARR || !lines->child) {
        jfree(root);
        return message(resp, MERCATOR_BUSINESS_ERROR,
                       "{\"v\":1,\"errors\":[{\"code\":\"CSV_NO_LINES\",\"field\":\"lines\","
                       "\"message\":\"an invoice without lines cannot be rendered as CSV\"}]}");
    }
    const char *number = jtext(jget(inv, "number"));
    out_t o = {0};
    const char *head[] = {"invoice", "line", "item", "description", "quantity", "unit",
                          "unit_price", "line_amount", "tax_code", "tax_rate", "currency"};
    for (int i = 0; i < 11; i++) field(&o, sep, head[i], i == 10);
    const char *currency = jtext(jget(inv, "currency"));
    for (const jnode *l = lines->child; l; l = l->next) {
        field(&o, sep, number, 0);
        field(&o, sep, jtext(jget(l, "lineNumber")), 0);
        field(&o, sep, jtext(jget(l, "itemNumber")), 0);
        field(&o, sep, jtext(jget(l, "description")), 0);
        field(&o, sep, jtext(jget(l, "quantity")), 0);
        field(&o, sep, jtext(jget(l, "unit")), 0);
        field(&o, sep, jtext(jget(l, "unitPrice")), 0);
        field(&o, sep, jtext(jget(l, "lineAmount")), 0);
        field(&o, sep, jtext(jget(l, "taxCode")), 0);
        field(&o, sep, jtext(jget(l, "taxRate")), 0);
        field(&o, sep, currency, 1);
    }
    const jnode *totals = jget(inv, "totals");
    field(&o, sep, number, 0);
    field(&o, sep, "TOTAL", 0);
    for (int i = 0; i < 5; i++) field(&o, sep, "", 0);
    field(&o, sep, jtext(jget(totals, "grandTotal")), 0);
    field(&o, sep, "", 0);
    field(&o, sep, jtext(jget(totals, "taxTotal")), 0);
    field(&o, sep, currency, 1);
    jfree(root);
    return reply(resp, &o, MERCATOR_OK);
}

static const MercatorManifest MANIFEST = {
    MERCATOR_MAGIC_BYTES,
    MERCATOR_ABI_MAJOR,
    MERCATOR_ABI_MINOR,
    sizeof(MercatorManifest),
    "example.csv-invoice-c",
    "1.0.0",
    "c-header-1.1",
    "{\"invoiceFormats\":[{\"code\":\"CSV_LINES\",\"label\":\"CSV, one row per line (C plugin)\","
    "\"mediaType\":\"text/csv\",\"fileExtension\":\"csv\"}]}",
};

const MercatorManifest *mercator_plugin_manifest(void) { return &MANIFEST; }

const MercatorPluginApi *mercator_plugin_init(const MercatorHostApi *host, const uint8_t *config,
                                              size_t config_len, char *error, size_t error_cap) {
    jnode *cfg = config_len ? jparse(config, config_len) : NULL;
    if (config_len && !cfg) {
        snprintf(error, error_cap, "the configuration is not valid JSON");
        return NULL;
    }
    char separator = ',';
    const jnode *sep = jget(cfg, "separator");
    if (sep) {
        if (sep->type != J_STR || sep->len != 1 || sep->text[0] == '"' || sep->text[0] == '\n'
            || sep->text[0] == '\r' || (unsigned char)sep->text[0] >= 0x80) {
            snprintf(error, error_cap, "separator must be one ASCII character other than a quote or line break");
            jfree(cfg);
            return NULL;
        }
        separator = sep->text[0];
    }
    jfree(cfg);
    /* Each init gets its own table and settings (never freed: the host keeps it for life). */
    csv_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(error, error_cap, "out of memory");
        return NULL;
    }
    p->separator = separator;
    p->api.struct_size = sizeof(MercatorPluginApi);
    p->api.instance = p;
    p->api.free_buffer = free_buffer;
    p->api.invoice_render = render;
    /* ABI 1.1 hosts offer a log function; read it only if the table is large enough. */
    if (host && host->struct_size >= sizeof(MercatorHostApi) && host->log) {
        const char *msg = "CSV invoice format ready";
        host->log(MERCATOR_LOG_INFO, (const uint8_t *)msg, strlen(msg));
    }
    return &p->api;
}
