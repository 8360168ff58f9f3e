//! The API's operations are a contract with the web client, the e2e tests and integrators:
//! every method and path listed in `openapi_operations.txt` must stay, and a new operation is
//! added to the list on purpose. A refactor that moves handlers between files (issue 11) keeps
//! this test green without touching the list.

use std::collections::BTreeSet;

fn operations() -> BTreeSet<String> {
    let (_, doc) = chanjiao_server::api();
    let json = serde_json::to_value(&doc).expect("OpenAPI document serialises");
    let mut ops = BTreeSet::new();
    for (path, item) in json["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

#[test]
fn every_recorded_operation_keeps_its_method_and_path() {
    let recorded: BTreeSet<String> = include_str!("openapi_operations.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let now = operations();
    let gone: Vec<_> = recorded.difference(&now).collect();
    let new: Vec<_> = now.difference(&recorded).collect();
    assert!(
        gone.is_empty(),
        "operations removed or renamed (clients depend on them): {gone:#?}"
    );
    assert!(
        new.is_empty(),
        "new operations: add them to crates/server/tests/openapi_operations.txt: {new:#?}"
    );
}
