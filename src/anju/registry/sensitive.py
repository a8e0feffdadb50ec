"""The registry's encrypted columns, rewritten in place: encrypt the plain rows of an older
install (migration 0006), decrypt them back (its reverse), and re-encrypt everything under the
first key with fresh lookup hashes (`anju rotate_keys`).

Raw SQL by table name, in batches ordered by id, so that it works from a migration (whose
historical models cannot read plain rows) and on tables of millions of rows.
"""

from anju.crypto import decrypt, encrypt, is_encrypted, lookup_hash

# table -> (encrypted columns, {hash column: its source column})
TABLES = {
    "registry_household": (("head_id_number", "phone", "bank_account"),
                           {"head_id_hash": "head_id_number"}),
    "registry_member": (("id_number",), {"id_number_hash": "id_number"}),
    "registry_responsibleperson": (("phone",), {}),
}
BATCH = 2000


def _plain(value):
    return decrypt(value) if is_encrypted(value) else value


def _rewrite(connection, *, encrypted: bool) -> dict[str, int]:
    q = connection.ops.quote_name
    counts = {}
    for table, (columns, hashes) in TABLES.items():
        targets = [*columns, *hashes]
        select = (f"SELECT {q('id')}, {', '.join(q(c) for c in columns)} FROM {q(table)} "
                  f"WHERE {q('id')} > %s ORDER BY {q('id')} LIMIT {BATCH}")
        update = (f"UPDATE {q(table)} SET {', '.join(f'{q(c)} = %s' for c in targets)} "
                  f"WHERE {q('id')} = %s")
        last, count = 0, 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(select, [last])
                rows = cursor.fetchall()
                if not rows:
                    break
                changes = []
                for row_id, *values in rows:
                    plain = dict(zip(columns, map(_plain, values), strict=True))
                    stored = [encrypt(plain[c]) if encrypted else plain[c] for c in columns]
                    hashed = [lookup_hash(plain[source]) if encrypted else ""
                              for source in hashes.values()]
                    changes.append([*stored, *hashed, row_id])
                cursor.executemany(update, changes)
                last, count = rows[-1][0], count + len(rows)
        counts[table] = count
    return counts


def encrypt_table_columns(connection) -> dict[str, int]:
    """Every sensitive value encrypted under the first key, every hash under the lookup key
    (plain values are encrypted, encrypted ones re-encrypted)."""
    return _rewrite(connection, encrypted=True)


def decrypt_table_columns(connection) -> dict[str, int]:
    return _rewrite(connection, encrypted=False)
