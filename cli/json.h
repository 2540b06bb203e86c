/*
 * json.h - a small, strict JSON reader for the files vmm writes and reads
 * back (vmm sweep --merge reads the shards' JSON). It is a pull reader over
 * a text in memory: the caller knows the shape it expects and asks for each
 * piece in turn (an object's next key, a whole number, a string), so nothing
 * is built but what the caller keeps, and a shape that differs is an error
 * at the place it differs.
 *
 * Strict: RFC 8259's grammar, nothing more (no comments, no trailing commas,
 * no NaN, no control characters inside strings), one value per text, and
 * whatever follows it refused. Strings are decoded (escapes, \uXXXX with
 * surrogate pairs, to UTF-8); other bytes pass through as they are, since
 * file and policy names may be any bytes. \u0000 is refused: the strings
 * become C strings.
 *
 * Errors: the first one stops the reader; its message is "NAME:LINE:COL:
 * what was found and what was expected" (columns count bytes from 1), and
 * every later call fails at once.
 */
#ifndef VMM_CLI_JSON_H
#define VMM_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reader over one text. */
struct json_reader {
    const char *name; /* file name, for messages */
    const char *text; /* the text (not NUL-terminated) */
    const char *end;  /* its end */
    const char *p;    /* the next byte to read */
    char err[640];    /* the first error's message, "" while none */
};

/* Starts reading text[0 .. len) named name (kept, not copied). */
void json_init(struct json_reader *r, const char *name, const char *text, size_t len);

/* Records an error at `at` (a position in the text; NULL: where the reader
 * is) unless one is recorded already: "NAME:LINE:COL: " and the message.
 * Returns -1, so that callers may `return json_fail(...)`. */
int json_fail(struct json_reader *r, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Skips white space; returns the position of the next value or token. */
const char *json_here(struct json_reader *r);

/* Opens an object ('{') or an array ('['): 1 if a member follows, 0 if it
 * was empty (its closing bracket eaten too), -1 on error. Then, after each
 * member, json_more: 1 after a ',' (another member follows), 0 after the
 * closing bracket, -1 on error. `what` names the value in the message if
 * the bracket is missing ("the shard" -> "expected the shard, an object"). */
int json_open(struct json_reader *r, char bracket, const char *what);
int json_more(struct json_reader *r, char bracket);

/* An object's key and the ':' after it, into key (cap bytes with the NUL;
 * a longer key is an error). Returns 0 or -1. */
int json_key(struct json_reader *r, char *key, size_t cap);

/* A string into buf (cap bytes with the NUL; longer is an error naming
 * `what`), its length in *len if len is not NULL. Returns 0 or -1. */
int json_string(struct json_reader *r, char *buf, size_t cap, size_t *len, const char *what);

/* A whole number 0 .. 2^64 - 1 (no sign, fraction or exponent). Returns 0 or -1. */
int json_u64(struct json_reader *r, uint64_t *v, const char *what);

/* Any number, checked against the grammar and skipped. Returns 0 or -1. */
int json_number(struct json_reader *r, const char *what);

/* true or false. Returns 0 or -1. */
int json_bool(struct json_reader *r, bool *v, const char *what);

/* Checks that only white space follows the value read. Returns 0 or -1. */
int json_end(struct json_reader *r);

#endif
