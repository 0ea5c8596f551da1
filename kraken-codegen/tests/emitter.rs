//! Snapshot tests of the emitter on small specs: every generator change shows
//! up as a reviewable diff (`cargo insta review`).

fn generate(yaml: &str) -> Result<String, String> {
    let files = kraken_codegen::generate_sources(&[("demo".to_owned(), yaml.to_owned())])?;
    Ok(files
        .into_iter()
        .find(|(n, _)| n == "demo.rs")
        .map(|(_, c)| c)
        .unwrap_or_default())
}

const ENDPOINT: &str = r#"
doc: A demo area.
enums:
  - name: Side
    doc: Order direction.
    values:
      - {value: buy, doc: Buy.}
      - {value: sell, doc: Sell.}
structs:
  - name: Row
    doc: A positional row.
    positional: true
    fields:
      - {name: price, type: decimal, doc: Price.}
      - {name: time, type: time, doc: Time.}
      - {name: id, type: int, optional: true, doc: Added later.}
  - name: Placed
    doc: The result.
    fields:
      - {name: txid, type: list<string>, optional: true, doc: Ids.}
      - {name: status-prop, rust: status_prop, type: string, optional: true, doc: A hyphenated key.}
      - {name: rows, type: with_last<list<Row>>, doc: Rows keyed by pair.}
endpoints:
  - name: place_thing
    kraken: AddThing
    http: POST
    path: /0/private/AddThing
    auth: api_key
    encoding: form
    cost: 1
    doc: Place a thing.
    params:
      - {name: type, rust: side, type: Side, required: true, doc: Direction.}
      - {name: volume, type: amount, required: true, doc: Volume.}
      - {name: count, type: int, min: 1, max: 5, doc: A bounded count.}
      - {name: flags, type: csv<Side>, doc: A comma list.}
      - {name: validate, type: bool, doc: Dry run.}
    response: Placed
"#;

#[test]
fn emits_enums_rows_structs_and_endpoints() {
    insta::assert_snapshot!(generate(ENDPOINT).unwrap());
}

#[test]
fn emits_public_bytes_and_bare_endpoints() {
    let yaml = r#"
doc: Other shapes.
endpoints:
  - name: get_file
    kraken: RetrieveExport
    http: POST
    path: /0/private/RetrieveExport
    auth: api_key
    encoding: form
    envelope: bytes
    cost: 1
    doc: Download a file.
    params:
      - {name: id, type: string, required: true, doc: The file.}
    response: bytes
  - name: get_balances
    kraken: Balance
    http: GET
    path: /0/public/Balance
    auth: public
    encoding: query
    cost: 0
    doc: Balances keyed by asset.
    response: map<decimal>
"#;
    insta::assert_snapshot!(generate(yaml).unwrap());
}

#[test]
fn emits_input_structs_groups_require_one_of_and_either() {
    let yaml = r#"
doc: Nested parameters and alternative shapes.
structs:
  - name: Leg
    doc: One order of a batch.
    input: true
    fields:
      - {name: volume, type: amount, doc: Volume.}
      - {name: userref, type: int, optional: true, doc: A reference.}
  - name: Position
    doc: A position.
    fields:
      - {name: vol, type: decimal, doc: Volume.}
endpoints:
  - name: place_batch
    kraken: AddOrderBatch
    http: POST
    path: /0/private/AddOrderBatch
    auth: api_key
    encoding: json
    cost: 0
    doc: Place several orders.
    params:
      - {name: orders, type: list<Leg>, required: true, doc: The orders.}
      - {name: pair, type: string, group: pair, doc: Pairs as text.}
      - {name: pair, rust: pair_objects, type: list<Leg>, group: pair, doc: Pairs as objects.}
      - {name: txid, type: string, doc: An order id.}
    require_one_of: [pair, txid]
    response: "either<map<Position>, list<Position>>"
"#;
    insta::assert_snapshot!(generate(yaml).unwrap());
}

#[test]
fn rejects_request_types_in_responses_and_objects_in_forms() {
    let err = error_of(&ENDPOINT.replace(
        "structs:\n",
        "structs:\n  - name: In\n    doc: In.\n    input: true\n    fields:\n      - {name: a, type: string, doc: A.}\n",
    ).replace("response: Placed", "response: In"));
    assert_eq!(
        err,
        "spec/demo.yaml: endpoint `place_thing`: response: `In` cannot be a response type"
    );
}

fn error_of(yaml: &str) -> String {
    generate(yaml).unwrap_err()
}

#[test]
fn rejects_an_unknown_key_naming_file_and_endpoint() {
    let err = error_of(&ENDPOINT.replace("    cost: 1\n", "    cost: 1\n    costs: 2\n"));
    assert!(
        err.starts_with("spec/demo.yaml: endpoint `place_thing`: unknown field `costs`"),
        "{err}"
    );
}

#[test]
fn rejects_duplicate_names() {
    let twice = ENDPOINT.to_owned() + &ENDPOINT[ENDPOINT.find("  - name: place_thing").unwrap()..];
    let err = error_of(&twice);
    assert!(
        err.contains("spec/demo.yaml: endpoint `place_thing`: duplicate endpoint name"),
        "{err}"
    );
    let err =
        error_of(&ENDPOINT.replace("{name: validate, type: bool", "{name: count, type: bool"));
    assert!(
        err.contains("spec/demo.yaml: endpoint `place_thing`: param `count`: duplicate parameter"),
        "{err}"
    );
}

#[test]
fn rejects_a_missing_doc() {
    let err = error_of(&ENDPOINT.replace("    doc: Place a thing.\n", "    doc: \"\"\n"));
    assert_eq!(err, "spec/demo.yaml: endpoint `place_thing`: missing doc");
    let err = error_of(&ENDPOINT.replace("doc: Dry run.", "doc: \" \""));
    assert_eq!(
        err,
        "spec/demo.yaml: endpoint `place_thing`: param `validate`: missing doc"
    );
}

#[test]
fn rejects_a_type_it_cannot_resolve() {
    let err = error_of(&ENDPOINT.replace("response: Placed", "response: Missing"));
    assert_eq!(
        err,
        "spec/demo.yaml: endpoint `place_thing`: response: type `Missing` is not declared in any spec file"
    );
    let err = error_of(&ENDPOINT.replace(
        "type: amount, required: true",
        "type: float, required: true",
    ));
    assert_eq!(
        err,
        "spec/demo.yaml: endpoint `place_thing`: param `volume`: `float` is not a type"
    );
}

#[test]
fn rejects_require_one_of_naming_a_missing_or_required_param() {
    let err = error_of(&ENDPOINT.replace(
        "    response: Placed",
        "    require_one_of: [count, nope]\n    response: Placed",
    ));
    assert_eq!(
        err,
        "spec/demo.yaml: endpoint `place_thing`: require_one_of names `nope`, which is not an optional param"
    );
}

#[test]
fn rejects_keywords_without_a_rust_name() {
    let err = error_of(&ENDPOINT.replace("{name: type, rust: side,", "{name: type,"));
    assert!(
        err.contains("param `type`: `type` is not a usable Rust name; set `rust:`"),
        "{err}"
    );
}
