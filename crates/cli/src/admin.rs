//! `chanjiao admin …`: account administration by the operator on the server. This is the only
//! way to create the first accounts (there are no default credentials) and to grant the three
//! separated administrator roles. `admin init` (in `init.rs`) creates the programme office of an
//! empty installation.

mod init;

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chanjiao_domain::users::account::parse_login;
use chanjiao_domain::users::role::{Role, check_grant, validate_scope};
use chanjiao_domain::validate::bounded_text;
use chanjiao_server::config::Settings;
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{Db, organizations, users};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// First run of an empty installation: create the programme office's organisation and its
    /// first account (role office), in one transaction. Refused once an office exists.
    Init(init::InitArgs),
    /// Create an account with one role. The password is asked for (or read from stdin).
    CreateUser {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// sys_admin, security_admin, audit_admin, office, field_organiser, expert, org_admin,
        /// org_staff, student.
        #[arg(long)]
        role: String,
        /// The organisation: id, 统一社会信用代码 or exact name.
        #[arg(long)]
        org: Option<String>,
        /// The field, for field_organiser (advanced_semiconductor).
        #[arg(long)]
        field: Option<String>,
        /// Read the password from standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant one more role to an existing account.
    GrantRole {
        #[arg(long)]
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        field: Option<String>,
    },
}

/// Finds an organisation by id, USCC or exact name.
pub async fn find_org(db: &Db, key: &str) -> Result<organizations::OrgRow> {
    if let Ok(id) = key.parse::<i64>()
        && let Some(o) = organizations::get(db, id).await?
    {
        return Ok(o);
    }
    if let Some(o) = organizations::find_by_uscc(db, &key.to_uppercase()).await? {
        return Ok(o);
    }
    let vis = chanjiao_domain::policy::Visibility::All;
    let f = organizations::Filter {
        q: Some(key.to_owned()),
        ..Default::default()
    };
    let page =
        organizations::list(db, &vis, &f, chanjiao_store::Paging::new(Some(1), Some(50))).await?;
    page.items
        .into_iter()
        .find(|o| o.name == key)
        .with_context(|| format!("no organisation {key:?}"))
}

fn cli_event(action: &str, object_id: i64, detail: serde_json::Value) -> NewEvent {
    NewEvent {
        actor_login: Some("system:cli".into()),
        action: action.into(),
        object_type: Some("user".into()),
        object_id: Some(object_id.to_string()),
        result: audit::result::SUCCESS,
        detail,
        ..Default::default()
    }
}

/// Grants `role` to `user_id` after checking scope and 三员分立, with an audit entry.
pub async fn grant(
    db: &Db,
    tx: &mut chanjiao_store::Tx,
    user_id: i64,
    role: &str,
    org_id: Option<i64>,
    field: Option<&str>,
) -> Result<()> {
    let role = Role::parse(role).with_context(|| format!("unknown role {role:?}"))?;
    let g = validate_scope(role, org_id, field)
        .map_err(|(f, e)| anyhow::anyhow!("{f}: {}", e.message))?;
    let existing: Vec<Role> = users::grants_of(db, user_id)
        .await?
        .iter()
        .filter_map(|g| Role::parse(&g.role))
        .collect();
    if check_grant(&existing, role).is_err() {
        bail!("三员分立: an account cannot hold two of sys_admin, security_admin, audit_admin");
    }
    users::insert_grant(tx, user_id, &g, None)
        .await
        .context("granting the role")?;
    audit::append(
        tx,
        cli_event(
            "role.grant",
            user_id,
            serde_json::json!({ "role": role.as_str(), "org_id": g.org_id, "field": g.field }),
        ),
    )
    .await?;
    Ok(())
}

/// Resolves `--org` (id, USCC or exact name) when given.
async fn find_org_opt(db: &Db, key: Option<&str>) -> Result<Option<organizations::OrgRow>> {
    match key {
        Some(key) => Ok(Some(find_org(db, key).await?)),
        None => Ok(None),
    }
}

/// A new account as the operator gives it on the command line.
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    /// The organisation the account belongs to (and its role is scoped to).
    pub org_id: Option<i64>,
    pub field: Option<&'a str>,
    pub password_stdin: bool,
}

/// A checked account, ready to insert: normalised login and name, password hashed.
pub struct CheckedAccount {
    login: String,
    name: String,
    password_hash: String,
}

/// Checks login and name, reads the password (asked for or from stdin), checks it against the
/// password policy and hashes it. Done before a transaction opens: hashing is slow.
pub fn check_account(settings: &Settings, a: &NewAccount<'_>) -> Result<CheckedAccount> {
    let login = parse_login(a.login).map_err(|e| anyhow::anyhow!("--login: {}", e.message))?;
    let name = bounded_text("姓名", a.name, 50, true)
        .map_err(|e| anyhow::anyhow!("--name: {}", e.message))?;
    let password = read_password(a.password_stdin)?;
    settings
        .password
        .check(&password, &login)
        .map_err(|e| anyhow::anyhow!("password: {}", e.message))?;
    let password_hash = chanjiao_server::http::auth::hash_password(&password)
        .map_err(|_| anyhow::anyhow!("hashing failed"))?;
    Ok(CheckedAccount {
        login,
        name,
        password_hash,
    })
}

/// Inserts the account with its one role (scope and 三员分立 checked), with audit entries.
pub async fn insert_account(
    db: &Db,
    tx: &mut chanjiao_store::Tx,
    a: &NewAccount<'_>,
    checked: CheckedAccount,
) -> Result<users::UserRow> {
    let login = checked.login;
    let new = users::NewUser {
        login: login.clone(),
        name: checked.name,
        password_hash: checked.password_hash,
        // Org roles make the account a member of that organisation.
        org_id: a.org_id,
        phone: None,
        email: None,
    };
    let user = users::insert(tx, &new).await.map_err(|e| match e {
        chanjiao_store::StoreError::Conflict(_) => anyhow::anyhow!("--login: {login:?} is taken"),
        e => e.into(),
    })?;
    audit::append(
        tx,
        cli_event(
            "user.create",
            user.id,
            serde_json::json!({ "login": login }),
        ),
    )
    .await?;
    grant(db, tx, user.id, a.role, a.org_id, a.field).await?;
    Ok(user)
}

fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        return Ok(s.trim_end_matches(['\n', '\r']).to_owned());
    }
    let p1 = rpassword::prompt_password("Password: ")?;
    let p2 = rpassword::prompt_password("Repeat password: ")?;
    if p1 != p2 {
        bail!("the passwords differ");
    }
    Ok(p1)
}

pub async fn run(db: &Db, settings: &Settings, cmd: AdminCommand) -> Result<ExitCode> {
    match cmd {
        AdminCommand::Init(args) => init::run(db, settings, args).await,
        AdminCommand::CreateUser {
            login,
            name,
            role,
            org,
            field,
            password_stdin,
        } => {
            let org_row = find_org_opt(db, org.as_deref()).await?;
            let account = NewAccount {
                login: &login,
                name: &name,
                role: &role,
                org_id: org_row.as_ref().map(|o| o.id),
                field: field.as_deref(),
                password_stdin,
            };
            let checked = check_account(settings, &account)?;
            let mut tx = db.begin().await?;
            let user = insert_account(db, &mut tx, &account, checked).await?;
            tx.commit().await?;
            println!("created {} (id {}) with role {role}", user.login, user.id);
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::GrantRole {
            login,
            role,
            org,
            field,
        } => {
            let login = parse_login(&login).map_err(|e| anyhow::anyhow!("login: {}", e.message))?;
            let user = users::find_by_login(db, &login)
                .await?
                .with_context(|| format!("no account {login:?}"))?;
            let org_id = find_org_opt(db, org.as_deref()).await?.map(|o| o.id);
            let mut tx = db.begin().await?;
            grant(db, &mut tx, user.id, &role, org_id, field.as_deref()).await?;
            tx.commit().await?;
            println!("granted {role} to {login}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
