//! The SQLite and PostgreSQL migrations define the same schema: the same tables, each with the
//! same columns, and the same columns required (NOT NULL). Types are the dialects' own (TEXT
//! timestamps on SQLite, TIMESTAMPTZ on PostgreSQL), so they are not compared. Runs on SQLite
//! alone when `TEST_DATABASE_URL` is not set (it then only checks that SQLite's schema reads),
//! and compares both when it is.

use std::collections::BTreeMap;

use chanjiao_store::Db;
use sqlx::Row;

/// table -> column -> required
type Schema = BTreeMap<String, BTreeMap<String, bool>>;

const IGNORED: &[&str] = &["_sqlx_migrations"];

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parity.db");
    let db = Db::open_sqlite(&path).await.unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT m.name AS t, p.name AS c, p.\"notnull\" AS nn, p.pk AS pk \
         FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut s = Schema::new();
    for r in rows {
        let t: String = r.get("t");
        if IGNORED.contains(&t.as_str()) {
            continue;
        }
        let required = r.get::<i64, _>("nn") != 0 || r.get::<i64, _>("pk") != 0;
        s.entry(t).or_default().insert(r.get("c"), required);
    }
    pool.close().await;
    s
}

async fn postgres_schema(url: &str) -> Schema {
    let name = format!("chanjiao_parity_{}", std::process::id());
    let admin = sqlx::PgPool::connect(url).await.expect("TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let test_url = format!("{base}/{name}");
    let db = Db::connect(&test_url).await.unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    let pool = sqlx::PgPool::connect(&test_url).await.unwrap();
    let rows = sqlx::query(
        "SELECT c.table_name::text AS t, c.column_name::text AS c, c.is_nullable::text AS n \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut s = Schema::new();
    for r in rows {
        let t: String = r.get("t");
        if IGNORED.contains(&t.as_str()) {
            continue;
        }
        s.entry(t)
            .or_default()
            .insert(r.get("c"), r.get::<String, _>("n") == "NO");
    }
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .unwrap();
    s
}

/// Every difference, one line each, so a failure names what to fix.
fn differences(sqlite: &Schema, pg: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (t, cols) in sqlite {
        let Some(pcols) = pg.get(t) else {
            out.push(format!("table {t}: only in SQLite"));
            continue;
        };
        for (c, req) in cols {
            match pcols.get(c) {
                None => out.push(format!("{t}.{c}: only in SQLite")),
                Some(p) if p != req => out.push(format!(
                    "{t}.{c}: NOT NULL on {}",
                    if *req {
                        "SQLite only"
                    } else {
                        "PostgreSQL only"
                    }
                )),
                _ => {}
            }
        }
        for c in pcols.keys().filter(|c| !cols.contains_key(*c)) {
            out.push(format!("{t}.{c}: only in PostgreSQL"));
        }
    }
    for t in pg.keys().filter(|t| !sqlite.contains_key(*t)) {
        out.push(format!("table {t}: only in PostgreSQL"));
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns_postgres() {
    let sqlite = sqlite_schema().await;
    assert!(sqlite.contains_key("applications"), "SQLite schema read");
    let Some(url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL side of the parity test not run");
        return;
    };
    let pg = postgres_schema(&url).await;
    let diff = differences(&sqlite, &pg);
    assert!(
        diff.is_empty(),
        "the migrations differ:\n{}",
        diff.join("\n")
    );
}

#[test]
fn a_difference_is_named() {
    let mut a = Schema::new();
    a.entry("t".into()).or_default().insert("x".into(), true);
    let mut b = a.clone();
    assert!(differences(&a, &b).is_empty());
    b.get_mut("t").unwrap().insert("x".into(), false);
    b.get_mut("t").unwrap().insert("y".into(), false);
    assert_eq!(
        differences(&a, &b),
        vec!["t.x: NOT NULL on SQLite only", "t.y: only in PostgreSQL"]
    );
}
