//! `chanjiao admin init`: the first run of a real deployment. Creates the programme office's
//! organisation (kind `office`) and its first account (role `office`) in one transaction, with
//! audit events. Only on an installation without an office: otherwise it refuses and changes
//! nothing, so running it twice is safe. The three separated administrators are created
//! afterwards with `admin create-user`.

use std::process::ExitCode;

use anyhow::Result;
use chanjiao_domain::organizations::{FieldErrors, OrgKind, OrganizationDraft};
use chanjiao_domain::policy::Visibility;
use chanjiao_server::config::Settings;
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{Db, Paging, StoreError, organizations};
use clap::Args;

use super::{NewAccount, check_account, insert_account};

#[derive(Args)]
pub struct InitArgs {
    /// The office organisation's name (单位名称).
    #[arg(long)]
    org_name: String,
    /// Its 统一社会信用代码 (18 characters).
    #[arg(long)]
    uscc: String,
    /// Its GB/T 2260 province code, e.g. 110000.
    #[arg(long)]
    province: String,
    /// The organisation's contact person (default: --name).
    #[arg(long)]
    contact_name: Option<String>,
    /// The organisation's contact phone.
    #[arg(long)]
    contact_phone: String,
    /// The organisation's contact e-mail.
    #[arg(long)]
    contact_email: String,
    #[arg(long)]
    city: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    postal_code: Option<String>,
    /// The first office account's login.
    #[arg(long)]
    login: String,
    /// The first office account's name (姓名).
    #[arg(long)]
    name: String,
    /// Read the password from standard input instead of asking.
    #[arg(long)]
    password_stdin: bool,
}

/// The command-line flag of an organisation field, for error messages.
fn flag(field: &str) -> &str {
    match field {
        "name" => "--org-name",
        "uscc" => "--uscc",
        "province_code" => "--province",
        "contact_name" => "--contact-name",
        "contact_phone" => "--contact-phone",
        "contact_email" => "--contact-email",
        "city" => "--city",
        "address" => "--address",
        "postal_code" => "--postal-code",
        other => other,
    }
}

fn field_errors(errors: FieldErrors) -> anyhow::Error {
    let lines: Vec<String> = errors
        .iter()
        .map(|(f, e)| format!("{}: {}", flag(f), e.message))
        .collect();
    anyhow::anyhow!("{}", lines.join("; "))
}

fn already(o: &organizations::OrgRow) -> anyhow::Error {
    anyhow::anyhow!(
        "already initialised: the programme office {:?} (统一社会信用代码 {}, id {}) exists; \
         nothing was changed. Create further accounts with `chanjiao admin create-user`",
        o.name,
        o.uscc,
        o.id
    )
}

pub async fn run(db: &Db, settings: &Settings, a: InitArgs) -> Result<ExitCode> {
    // Refuse before asking for a password; checked again inside the transaction.
    let f = organizations::Filter {
        kind: Some(OrgKind::Office.as_str().into()),
        ..Default::default()
    };
    let existing =
        organizations::list(db, &Visibility::All, &f, Paging::new(Some(1), Some(1))).await?;
    if let Some(o) = existing.items.first() {
        return Err(already(o));
    }
    let draft = OrganizationDraft {
        kind: OrgKind::Office.as_str().into(),
        name: a.org_name.clone(),
        uscc: a.uscc.clone(),
        province_code: a.province.clone(),
        city: a.city.clone(),
        address: a.address.clone(),
        postal_code: a.postal_code.clone(),
        contact_name: a.contact_name.clone().unwrap_or_else(|| a.name.clone()),
        contact_phone: a.contact_phone.clone(),
        contact_email: a.contact_email.clone(),
        ..Default::default()
    };
    let org = draft.validate().map_err(field_errors)?;
    let mut account = NewAccount {
        login: &a.login,
        name: &a.name,
        role: "office",
        org_id: None,
        field: None,
        password_stdin: a.password_stdin,
    };
    let checked = check_account(settings, &account)?;

    let mut tx = db.begin().await?;
    if let Some(o) = organizations::first_of_kind_tx(&mut tx, OrgKind::Office.as_str()).await? {
        return Err(already(&o));
    }
    let row = organizations::insert(&mut tx, &org)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                anyhow::anyhow!("--uscc: {} is already registered", org.uscc.as_str())
            }
            e => e.into(),
        })?;
    audit::append(
        &mut tx,
        NewEvent {
            actor_login: Some("system:cli".into()),
            action: "org.create".into(),
            object_type: Some("organization".into()),
            object_id: Some(row.id.to_string()),
            result: audit::result::SUCCESS,
            detail: serde_json::json!({ "name": row.name, "kind": row.kind, "uscc": row.uscc }),
            ..Default::default()
        },
    )
    .await?;
    account.org_id = Some(row.id);
    let user = insert_account(db, &mut tx, &account, checked).await?;
    tx.commit().await?;
    println!(
        "initialised: programme office {} (id {}, 统一社会信用代码 {}) and its account {} (id {}, role office)",
        row.name, row.id, row.uscc, user.login, user.id
    );
    println!(
        "next: create the three separated administrators with `chanjiao admin create-user --role sys_admin|security_admin|audit_admin`"
    );
    Ok(ExitCode::SUCCESS)
}
