/* offload-text-counter.c: distinct values and the most frequent one
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "offload-text-counter.h"
#include "offload-varint.h"

/* pandas' describe() gives a text column's count of distinct values and
 * its most frequent value ("top", with "freq"). Exactly, that needs every
 * distinct value: this counter holds them by a 64-bit hash (with the
 * first bytes to show) up to max_exact of them. Past that it says so:
 * the distinct count comes from a HyperLogLog sketch (2^14 registers,
 * about 0.8 % error; fewer for a file of thousands of text columns, see
 * offload_text_counter_sketch_bits()), and the top value from the values it kept, halving
 * them by count whenever the table is full (the frequent ones survive).
 *
 * Ties for the top go to the value seen first in the file (the smallest
 * byte position), so the answer does not depend on how the file was cut.
 * pandas breaks such ties arbitrarily.
 *
 * A counter that is exact has no sketch: it holds every value's hash, and
 * makes its registers from them when it first has to estimate. A file of
 * thousands of text columns of few values each then costs no 16 KiB a
 * column, in a worker or in its results. */

/* Values an estimating counter sends: its most frequent ones. */
#define ESTIMATE_CANDIDATES 1024
/* Registers for all the text columns of a file together, at most. */
#define SKETCH_BUDGET (8 * 1024 * 1024)

typedef struct
{
  guint64  hash;
  guint64  count;
  guint64  position;
  char    *sample;
} Entry;

/* The entries in an open-addressing table by hash (linear probing, at
 * most three quarters full): one look at one cache line for most values,
 * where a GHashTable took three pointers and a callback. A slot whose
 * sample is NULL is empty. Half full, the table of a column of mostly
 * distinct texts was twice as large (4 MiB) and missed the cache more:
 * 5 % of the mixed file's crunch. */
struct _OffloadTextCounter
{
  guint       max_exact;
  gboolean    exact;
  Entry      *slots;
  guint       capacity;       /* a power of two */
  guint       size;
  Entry      *spare;          /* the table an estimate prunes into, or NULL */
  guint       sketch_bits;
  guint       n_registers;    /* 2^sketch_bits */
  guint8     *registers;      /* n_registers of them, or NULL while exact */
  GPtrArray  *blocks;         /* of SAMPLE_BLOCK bytes: the samples */
  gsize       block_used;     /* bytes of the last block used */
};

#define FIRST_CAPACITY 64

/* The samples, one after the other in blocks, and no malloc() and free()
 * each: a column of mostly distinct values (past the exact limit) adds
 * and prunes hundreds of thousands of them a chunk. */
#define SAMPLE_BLOCK (64 * 1024)

G_STATIC_ASSERT (OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES + 1 <= SAMPLE_BLOCK);

static char *
sample_alloc (OffloadTextCounter *self,
              gsize               size)
{
  char *block;

  if (self->blocks->len == 0 || self->block_used + size > SAMPLE_BLOCK)
    {
      g_ptr_array_add (self->blocks, g_malloc (SAMPLE_BLOCK));
      self->block_used = 0;
    }
  block = g_ptr_array_index (self->blocks, self->blocks->len - 1);
  self->block_used += size;
  return block + self->block_used - size;
}

static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

#ifdef __SIZEOF_INT128__
/* The 128-bit product of @a and @b, its halves folded together. */
static inline guint64
fold_multiply (guint64 a,
               guint64 b)
{
  unsigned __int128 product = (unsigned __int128) a * b;

  return (guint64) product ^ (guint64) (product >> 64);
}
#else
static inline guint64
fold_multiply (guint64 a,
               guint64 b)
{
  return mix64 (a ^ mix64 (b));
}
#endif

static inline guint64
load64 (const char *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline guint64
load32 (const char *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return v;
}

#define HASH_K0 G_GUINT64_CONSTANT (0xa0761d6478bd642f)
#define HASH_K1 G_GUINT64_CONSTANT (0xe7037ed1a0b428db)

/* In the manner of wyhash: sixteen bytes, as two words, cost one folded
 * multiply, and a value of up to sixteen bytes is read in two or four
 * overlapping loads, with no loop. The mix64() a word this replaced took a
 * tenth of a worker's time on a file with a column of short, mostly
 * distinct texts. mix64() last, for the sketch's bits. */
static guint64
hash_bytes (const char *text,
            gsize       length)
{
  guint64 seed = fold_multiply (HASH_K0 ^ length, HASH_K1);
  guint64 a, b;

  if (length > 16)
    {
      const char *p = text;
      gsize left = length;

      for (; left > 16; p += 16, left -= 16)
        seed = fold_multiply (load64 (p) ^ HASH_K1, load64 (p + 8) ^ seed);
      a = load64 (p + left - 16);
      b = load64 (p + left - 8);
    }
  else if (length >= 4)
    {
      /* Four loads that cover the bytes, overlapping. */
      gsize step = (length >> 3) << 2;

      a = (load32 (text) << 32) | load32 (text + step);
      b = (load32 (text + length - 4) << 32) | load32 (text + length - 4 - step);
    }
  else if (length > 0)
    {
      a = ((guint64) (guchar) text[0] << 16) | ((guint64) (guchar) text[length >> 1] << 8)
          | (guchar) text[length - 1];
      b = 0;
    }
  else
    a = b = 0;

  return mix64 (fold_multiply (a ^ HASH_K1, b ^ seed));
}

static Entry *
find_slot (Entry   *slots,
           guint    capacity,
           guint64  hash)
{
  guint mask = capacity - 1;
  guint i = (guint) hash & mask;

  while (slots[i].sample != NULL && slots[i].hash != hash)
    i = (i + 1) & mask;
  return &slots[i];
}

static void
resize (OffloadTextCounter *self,
        guint               capacity)
{
  Entry *old = self->slots;
  guint old_capacity = self->capacity;

  /* The spare table, if any, is of the old size. */
  g_clear_pointer (&self->spare, g_free);
  self->slots = g_new0 (Entry, capacity);
  self->capacity = capacity;
  for (guint i = 0; i < old_capacity; i++)
    if (old[i].sample != NULL)
      *find_slot (self->slots, capacity, old[i].hash) = old[i];
  g_free (old);
}

/**
 * offload_text_counter_sketch_bits:
 * @n_columns: the text columns counted together
 *
 * Returns: the bits of their sketches' register index: 14 (2^14 registers,
 *   about 0.8 % error) for up to 512 columns, fewer for more, so that all
 *   of them take 8 MiB at most; never below 7 (about 9 % error)
 */
guint
offload_text_counter_sketch_bits (guint n_columns)
{
  guint bits = OFFLOAD_TEXT_COUNTER_SKETCH_BITS;

  while (bits > OFFLOAD_TEXT_COUNTER_MIN_SKETCH_BITS
         && ((guint64) MAX (n_columns, 1) << bits) > SKETCH_BUDGET)
    bits--;
  return bits;
}

/**
 * offload_text_counter_new:
 * @max_exact: how many distinct values to hold before estimating
 * @sketch_bits: the bits of the sketch's register index, from
 *   %OFFLOAD_TEXT_COUNTER_MIN_SKETCH_BITS to %OFFLOAD_TEXT_COUNTER_SKETCH_BITS;
 *   counters merged must have the same
 *
 * Returns: (transfer full): an empty counter
 */
OffloadTextCounter *
offload_text_counter_new (guint max_exact,
                          guint sketch_bits)
{
  OffloadTextCounter *self;

  g_return_val_if_fail (sketch_bits >= OFFLOAD_TEXT_COUNTER_MIN_SKETCH_BITS
                        && sketch_bits <= OFFLOAD_TEXT_COUNTER_SKETCH_BITS, NULL);

  self = g_new0 (OffloadTextCounter, 1);
  self->max_exact = MAX (max_exact, 2);
  self->sketch_bits = sketch_bits;
  self->n_registers = 1u << sketch_bits;
  self->exact = TRUE;
  self->capacity = FIRST_CAPACITY;
  self->slots = g_new0 (Entry, self->capacity);
  self->blocks = g_ptr_array_new_with_free_func (g_free);

  return self;
}

void
offload_text_counter_free (OffloadTextCounter *self)
{
  if (self == NULL)
    return;

  g_free (self->slots);
  g_free (self->spare);
  g_free (self->registers);
  g_ptr_array_unref (self->blocks);
  g_free (self);
}

static inline void
register_hash (OffloadTextCounter *self,
               guint64             hash)
{
  guint bits = self->sketch_bits;
  guint index = (guint) (hash >> (64 - bits));
  guint64 rest = (hash << bits) | (G_GUINT64_CONSTANT (1) << (bits - 1));
  guint rank = (guint) __builtin_clzll (rest) + 1;

  if (rank > self->registers[index])
    self->registers[index] = (guint8) rank;
}

/* The sketch, made from the values held: while the counter was exact it
 * held every value it was given, so the registers are those that adding
 * each value to a sketch from the start would have made. */
static void
ensure_registers (OffloadTextCounter *self)
{
  if (self->registers != NULL)
    return;

  self->registers = g_new0 (guint8, self->n_registers);
  for (guint i = 0; i < self->capacity; i++)
    if (self->slots[i].sample != NULL)
      register_hash (self, self->slots[i].hash);
}

static int
compare_counts (gconstpointer a,
                gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Counts below this are tallied, not sorted, to find a rank among them. */
#define SMALL_COUNTS 256

/* The count of rank @rank (from 0) among the values' counts in order,
 * as sorting them would give. Most counts of a column pruned again and
 * again are 1 or a few: a tally finds the rank in one look at each, where
 * sorting 40,000 of them took 7 % of a worker's time on a column of
 * mostly distinct values. */
static guint64
count_of_rank (const OffloadTextCounter *self,
               guint                     rank)
{
  guint tally[SMALL_COUNTS] = { 0 };
  g_autofree guint64 *large = NULL;
  guint below = 0, n_large = 0;

  g_assert (rank < self->size);

  for (guint i = 0; i < self->capacity; i++)
    if (self->slots[i].sample != NULL && self->slots[i].count < SMALL_COUNTS)
      tally[self->slots[i].count]++;
  for (guint c = 0; c < SMALL_COUNTS; c++)
    {
      below += tally[c];
      if (below > rank)
        return c;
    }

  /* Among the large ones: those sorted. */
  large = g_new (guint64, self->size - below);
  for (guint i = 0; i < self->capacity; i++)
    if (self->slots[i].sample != NULL && self->slots[i].count >= SMALL_COUNTS)
      large[n_large++] = self->slots[i].count;
  qsort (large, n_large, sizeof *large, compare_counts);
  return large[rank - below];
}

/* Over the limit: from now on an estimate. Drop the values counted at
 * most the median count, so at least half go and adding stays cheap. The
 * table kept is made in a spare one, and the samples kept are copied to
 * new blocks: no memory is given back and asked for again each time. */
static void
prune (OffloadTextCounter *self)
{
  G_GNUC_UNUSED g_autoptr(GPtrArray) old_blocks = self->blocks;
  Entry *old = self->slots;
  guint64 median;

  ensure_registers (self);
  self->exact = FALSE;
  median = count_of_rank (self, self->size / 2);

  if (self->spare == NULL)
    self->spare = g_new0 (Entry, self->capacity);
  else
    memset (self->spare, 0, self->capacity * sizeof (Entry));
  self->slots = self->spare;
  self->spare = old;
  self->size = 0;
  self->blocks = g_ptr_array_new_with_free_func (g_free);
  self->block_used = 0;
  for (guint i = 0; i < self->capacity; i++)
    {
      Entry *entry;
      gsize size;

      if (old[i].sample == NULL || old[i].count <= median)
        continue;
      entry = find_slot (self->slots, self->capacity, old[i].hash);
      *entry = old[i];
      size = strlen (old[i].sample) + 1;
      entry->sample = memcpy (sample_alloc (self, size), old[i].sample, size);
      self->size++;
    }
}

#define ELLIPSIS "\xE2\x80\xA6"   /* U+2026, three bytes */

/* Where the character at or before @n begins. */
static gsize
character_start (const char *text,
                 gsize       n)
{
  while (n > 0 && ((guchar) text[n] & 0xC0) == 0x80)
    n--;
  return n;
}

/* The value as shown: whole when it fits the limit; else its first bytes,
 * cut at a character's start, and an ellipsis within the limit, so that a
 * long top value does not pass for the whole of it. Bytes that are no
 * UTF-8 become U+FFFD, three bytes each: the valid text is measured again,
 * so that a sample is never longer than its limit (which the values'
 * decoder holds them to). */
static char *
make_sample (OffloadTextCounter *self,
             const char         *text,
             gsize               length)
{
  const gsize cut_to = OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES - strlen (ELLIPSIS);
  gboolean cut = length > OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES;
  gsize n = cut ? character_start (text, cut_to) : length;
  g_autofree char *valid = NULL;
  char *sample;

  /* A NUL byte is not valid either. */
  if (!g_utf8_validate_len (text, n, NULL))
    {
      valid = g_utf8_make_valid (text, (gssize) n);
      text = valid;
      n = strlen (valid);
      if (n > OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES)
        cut = TRUE;
      if (cut && n > cut_to)
        n = character_start (valid, cut_to);
    }

  sample = sample_alloc (self, n + (cut ? strlen (ELLIPSIS) : 0) + 1);
  memcpy (sample, text, n);
  if (cut)
    {
      memcpy (sample + n, ELLIPSIS, strlen (ELLIPSIS));
      n += strlen (ELLIPSIS);
    }
  sample[n] = '\0';
  return sample;
}

static void
count_hash (OffloadTextCounter *self,
            guint64             hash,
            guint64             count,
            guint64             position,
            const char         *sample,
            gsize               sample_length)
{
  Entry *entry = find_slot (self->slots, self->capacity, hash);

  if (G_LIKELY (entry->sample != NULL))
    {
      entry->count += count;
      entry->position = MIN (entry->position, position);
      return;
    }

  if (self->size >= self->max_exact)
    prune (self);
  if (4 * (self->size + 1) > 3 * self->capacity)
    resize (self, 2 * self->capacity);

  /* A value new to the table: one the sketch has not seen, or has seen
   * again, which changes nothing. */
  if (self->registers != NULL)
    register_hash (self, hash);
  entry = find_slot (self->slots, self->capacity, hash);
  entry->hash = hash;
  entry->count = count;
  entry->position = position;
  entry->sample = make_sample (self, sample, sample_length);
  self->size++;
}

/**
 * offload_text_counter_add:
 * @self: a counter
 * @text: (array length=length): a value
 * @length: its bytes
 * @position: where it is in the file, for ties
 */
void
offload_text_counter_add (OffloadTextCounter *self,
                          const char         *text,
                          gsize               length,
                          guint64             position)
{
  g_return_if_fail (self != NULL);

  count_hash (self, hash_bytes (text, length), 1, position, text, length);
}

/**
 * offload_text_counter_merge:
 * @self: a counter
 * @other: another chunk's
 */
void
offload_text_counter_merge (OffloadTextCounter       *self,
                            const OffloadTextCounter *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  g_return_if_fail (self->sketch_bits == other->sketch_bits);

  if (other->registers != NULL)
    {
      ensure_registers (self);
      for (guint i = 0; i < self->n_registers; i++)
        self->registers[i] = MAX (self->registers[i], other->registers[i]);
    }
  if (!other->exact)
    self->exact = FALSE;

  for (guint i = 0; i < other->capacity; i++)
    {
      const Entry *entry = &other->slots[i];

      if (entry->sample != NULL)
        count_hash (self, entry->hash, entry->count, entry->position,
                    entry->sample, strlen (entry->sample));
    }
}

gboolean
offload_text_counter_is_exact (const OffloadTextCounter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->exact;
}

/**
 * offload_text_counter_get_distinct:
 * @self: a counter
 *
 * Returns: how many distinct values: exact, or (when it is not) estimated
 */
guint64
offload_text_counter_get_distinct (const OffloadTextCounter *self)
{
  double m = self->n_registers, sum = 0, estimate;
  guint zeros = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (self->exact || self->registers == NULL)
    return self->size;

  for (guint i = 0; i < self->n_registers; i++)
    {
      sum += ldexp (1.0, -(int) self->registers[i]);
      zeros += self->registers[i] == 0;
    }
  estimate = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0)
    estimate = m * log (m / zeros);             /* linear counting, for few */

  /* Never fewer than the values still held. */
  return MAX ((guint64) llround (estimate), self->size);
}

/**
 * offload_text_counter_get_top:
 * @self: a counter
 * @count: (out): how often it was seen
 *
 * Returns: (nullable) (transfer none): the most frequent value, shown cut
 *   to %OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES; %NULL for no values
 */
const char *
offload_text_counter_get_top (const OffloadTextCounter *self,
                              guint64                  *count)
{
  const Entry *best = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->capacity; i++)
    {
      const Entry *entry = &self->slots[i];

      if (entry->sample == NULL)
        continue;
      if (best == NULL || entry->count > best->count
          || (entry->count == best->count && entry->position < best->position))
        best = entry;
    }

  if (count != NULL)
    *count = best != NULL ? best->count : 0;
  return best != NULL ? best->sample : NULL;
}

/* The count at or above which @n of the values are (about: ties), so an
 * estimate sends its likeliest tops and not every value it holds. */
static guint64
count_floor (const OffloadTextCounter *self,
             guint                     n)
{
  g_autofree guint64 *counts = NULL;
  guint size = self->size, i = 0;

  if (size <= n)
    return 0;

  counts = g_new (guint64, size);
  for (guint j = 0; j < self->capacity; j++)
    if (self->slots[j].sample != NULL)
      counts[i++] = self->slots[j].count;
  qsort (counts, size, sizeof *counts, compare_counts);

  return counts[size - n];
}

/* The values a counter sends, as bytes: for each its hash (8 bytes,
 * little-endian), varints of its count, its position and its sample's
 * length, then the sample. A JSON array of four a value cost a file of
 * ten thousand text columns hundreds of MiB of json-glib nodes, in the
 * worker and again in the app; this is one string a counter. */
static char *
encode_entries (const OffloadTextCounter *self,
                guint64                   floor)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  for (guint i = 0; i < self->capacity; i++)
    {
      const Entry *entry = &self->slots[i];
      guint64 hash;
      gsize length;

      /* An estimate needs only the candidates for the top. */
      if (entry->sample == NULL || (!self->exact && entry->count < floor))
        continue;

      hash = GUINT64_TO_LE (entry->hash);
      length = strlen (entry->sample);
      g_byte_array_append (out, (const guint8 *) &hash, sizeof hash);
      offload_varint_put (out, entry->count);
      offload_varint_put (out, entry->position);
      offload_varint_put (out, length);
      g_byte_array_append (out, (const guint8 *) entry->sample, (guint) length);
    }

  return g_base64_encode (out->data, out->len);
}

/**
 * offload_text_counter_to_json:
 * @self: a counter
 *
 * The sketch goes with an estimate only: as "hll", its registers in base64,
 * or as "hll_set" when few are set: (gap, register) varint pairs for
 * those, in base64. The values, as "entries", are those of
 * encode_entries(), in base64.
 *
 * Returns: (transfer full): `{"exact": b, "hll" or "hll_set": "base64",
 *   "entries": "base64"}`
 */
JsonNode *
offload_text_counter_to_json (const OffloadTextCounter *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *entries = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "exact");
  json_builder_add_boolean_value (builder, self->exact);
  if (self->registers != NULL)
    {
      g_autoptr(GByteArray) set = g_byte_array_new ();
      g_autofree char *registers = NULL;
      guint next = 0;

      /* Two bytes a register set, most often: worth it below a third. */
      for (guint i = 0; i < self->n_registers && set->len < self->n_registers / 3; i++)
        if (self->registers[i] > 0)
          {
            offload_varint_put (set, i - next);
            offload_varint_put (set, self->registers[i]);
            next = i + 1;
          }
      if (set->len < self->n_registers / 3)
        {
          json_builder_set_member_name (builder, "hll_set");
          registers = g_base64_encode (set->data, set->len);
        }
      else
        {
          json_builder_set_member_name (builder, "hll");
          registers = g_base64_encode (self->registers, self->n_registers);
        }
      json_builder_add_string_value (builder, registers);
    }
  entries = encode_entries (self, self->exact ? 0 : count_floor (self, ESTIMATE_CANDIDATES));
  json_builder_set_member_name (builder, "entries");
  json_builder_add_string_value (builder, entries);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
invalid (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The worker’s result is not valid: %s"), "text values");
  return FALSE;
}

/**
 * offload_text_counter_from_json:
 * @node: what offload_text_counter_to_json() made
 * @max_exact: the limit of the counter made
 * @sketch_bits: its sketch's, as for offload_text_counter_new()
 * @error: when @node is not one
 *
 * Returns: (transfer full) (nullable): the counter
 */
OffloadTextCounter *
offload_text_counter_from_json (JsonNode  *node,
                                guint      max_exact,
                                guint      sketch_bits,
                                GError   **error)
{
  g_autoptr(OffloadTextCounter) self = offload_text_counter_new (max_exact, sketch_bits);
  g_autofree guint8 *registers = NULL;
  JsonObject *object;
  JsonNode *member;
  gsize n = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error), NULL;
  object = json_node_get_object (node);

  member = json_object_get_member (object, "exact");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return invalid (error), NULL;
  self->exact = json_node_get_boolean (member);

  /* The sketch, which an estimate has and an exact counter has not. */
  member = json_object_get_member (object, "hll");
  if (member != NULL)
    {
      if (json_node_get_value_type (member) != G_TYPE_STRING)
        return invalid (error), NULL;
      registers = g_base64_decode (json_node_get_string (member), &n);
      if (n != self->n_registers)
        return invalid (error), NULL;
      self->registers = g_steal_pointer (&registers);
    }
  else if ((member = json_object_get_member (object, "hll_set")) != NULL)
    {
      const guint8 *p, *end;
      guint64 next = 0;

      if (json_node_get_value_type (member) != G_TYPE_STRING)
        return invalid (error), NULL;
      registers = g_base64_decode (json_node_get_string (member), &n);
      self->registers = g_new0 (guint8, self->n_registers);
      for (p = registers, end = registers + n; p < end; next++)
        {
          guint64 gap, rank;

          if (!offload_varint_get (&p, end, &gap) || !offload_varint_get (&p, end, &rank)
              || gap >= self->n_registers - next || rank == 0
              || rank > 64 - self->sketch_bits + 1)
            return invalid (error), NULL;
          next += gap;
          self->registers[next] = (guint8) rank;
        }
    }
  if (self->exact != (self->registers == NULL))
    return invalid (error), NULL;

  member = json_object_get_member (object, "entries");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return invalid (error), NULL;
  {
    g_autofree guint8 *bytes = g_base64_decode (json_node_get_string (member), &n);
    const guint8 *p = bytes, *end = bytes + n;

    while (p < end)
      {
        guint64 hash, count, position, length;

        if ((gsize) (end - p) < sizeof hash)
          return invalid (error), NULL;
        memcpy (&hash, p, sizeof hash);
        p += sizeof hash;
        if (!offload_varint_get (&p, end, &count) || !offload_varint_get (&p, end, &position)
            || !offload_varint_get (&p, end, &length)
            || count == 0 || position > G_MAXINT64
            || length > OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES || length > (guint64) (end - p)
            || memchr (p, '\0', length) != NULL
            || !g_utf8_validate ((const char *) p, (gssize) length, NULL))
          return invalid (error), NULL;
        count_hash (self, GUINT64_FROM_LE (hash), count, position, (const char *) p, length);
        p += length;
      }
  }

  return g_steal_pointer (&self);
}
