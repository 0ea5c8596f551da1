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
    effect: write
    permission: modify-trades
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
    effect: read
    permission: export-data
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
    effect: read
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
    effect: write
    permission: {all_of: [modify-trades, close-trades]}
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

/// An AddOrder-like and an AddOrderBatch-like endpoint with every key the
/// runtime acts on.
const FACTS: &str = r#"
doc: Endpoint facts.
structs:
  - name: Leg
    doc: One order of a batch.
    input: true
    fields:
      - {name: volume, type: amount, doc: Volume.}
      - {name: userref, type: int, optional: true, doc: A reference.}
      - {name: cl_ord_id, type: string, optional: true, doc: A client order id.}
  - name: Done
    doc: The result.
    fields:
      - {name: count, type: int, optional: true, doc: Count.}
endpoints:
  - name: place
    kraken: AddOrder
    http: POST
    path: /0/private/AddOrder
    auth: api_key
    encoding: form
    cost: 0
    effect: write
    permission: {any_of: [modify-trades, close-trades]}
    trading: {action: add, pair: pair}
    client_order_id: {field: cl_ord_id, exclusive_with: [userref]}
    doc: Place an order.
    params:
      - {name: pair, type: string, required: true, doc: Pair.}
      - {name: userref, type: int, doc: A reference.}
      - {name: cl_ord_id, type: string, doc: A client order id.}
    response: Done
  - name: place_batch
    kraken: AddOrderBatch
    http: POST
    path: /0/private/AddOrderBatch
    auth: api_key
    encoding: json
    cost: 0
    effect: write
    permission: none
    trading: {action: batch_add, pair: pair, new_orders: orders}
    client_order_id: {list: orders, field: cl_ord_id, exclusive_with: [userref]}
    doc: Place orders.
    params:
      - {name: orders, type: list<Leg>, required: true, doc: The orders.}
      - {name: pair, type: string, required: true, doc: Pair.}
    response: Done
  - name: cancel_some
    kraken: CancelOrderBatch
    http: POST
    path: /0/private/CancelOrderBatch
    auth: api_key
    encoding: json
    cost: 0
    effect: write
    permission: close-trades
    trading: {action: batch_cancel, orders: [orders, cl_ord_ids]}
    doc: Cancel orders.
    params:
      - {name: orders, type: list<string>, doc: Ids.}
      - {name: cl_ord_ids, type: list<string>, doc: Client ids.}
    response: Done
"#;

#[test]
fn emits_effect_permissions_trading_and_client_order_id() {
    insta::assert_snapshot!(generate(FACTS).unwrap());
}

#[test]
fn rejects_bad_endpoint_facts() {
    let cases = [
        (
            ENDPOINT.replace("    effect: write\n", ""),
            "spec/demo.yaml: endpoint `place_thing`: missing field `effect`",
        ),
        (
            ENDPOINT.replace("effect: write", "effect: maybe"),
            "spec/demo.yaml: endpoint `place_thing`: unknown variant `maybe`, expected `read` or `write`",
        ),
        (
            ENDPOINT.replace("    permission: modify-trades\n", ""),
            "spec/demo.yaml: endpoint `place_thing`: api_key endpoints need `permission:`",
        ),
        (
            ENDPOINT.replace("permission: modify-trades", "permission: trade"),
            "spec/demo.yaml: endpoint `place_thing`: permission `trade` is not one of Kraken's",
        ),
        (
            ENDPOINT.replace(
                "permission: modify-trades",
                "permission: {any_of: [query-funds]}",
            ),
            "spec/demo.yaml: endpoint `place_thing`: permission: `any_of`/`all_of` need two or more names",
        ),
        (
            ENDPOINT.replace(
                "permission: modify-trades",
                "permission: {one_of: [query-funds, add-funds]}",
            ),
            "spec/demo.yaml: endpoint `place_thing`: permission: unknown key",
        ),
        (
            FACTS.replace("pair: pair}", "pair: symbol}"),
            "spec/demo.yaml: endpoint `place`: trading: `symbol` is not a parameter",
        ),
        (
            FACTS.replace("action: add,", "action: buy,"),
            "spec/demo.yaml: endpoint `place`: unknown variant `buy`",
        ),
        (
            FACTS.replace(
                "{action: add, pair: pair}",
                "{action: add, pair: pair, new_orders: pair}",
            ),
            "spec/demo.yaml: endpoint `place`: trading: `new_orders` is required for, and only for, `action: batch_add`",
        ),
        (
            FACTS.replace(
                "exclusive_with: [userref]}\n    doc: Place an order.",
                "exclusive_with: [ref]}\n    doc: Place an order.",
            ),
            "spec/demo.yaml: endpoint `place`: client_order_id: `ref` is not a parameter",
        ),
        (
            FACTS.replace(
                "{list: orders, field: cl_ord_id",
                "{list: orders, field: client_id",
            ),
            "spec/demo.yaml: endpoint `place_batch`: client_order_id: `client_id` is not a field of `Leg`",
        ),
        (
            FACTS.replace("{list: orders, field", "{list: pair, field"),
            "spec/demo.yaml: endpoint `place_batch`: client_order_id: `list: pair` must name a parameter of type list<InputStruct>",
        ),
        (
            FACTS.replace(
                "effect: write\n    permission: none",
                "effect: read\n    permission: none",
            ),
            "spec/demo.yaml: endpoint `place_batch`: `trading:` is for api_key endpoints with `effect: write`",
        ),
    ];
    assert_refused(&cases);
}

const PAGED: &str = r#"
doc: Cursor paging.
structs:
  - name: Item
    doc: One entry.
    fields:
      - {name: id, type: string, doc: Id.}
endpoints:
  - name: list_things
    kraken: ListThings
    http: POST
    path: /0/private/ListThings
    auth: api_key
    encoding: form
    cost: 1
    effect: read
    permission: query-funds
    doc: List things.
    params:
      - {name: asset, type: string, doc: A filter.}
      - {name: kind, type: string, required: true, doc: A required filter.}
      - {name: cursor, type: string, doc: The cursor.}
    response: either<list<Item>, list_page<Item>>
    paging: {kind: cursor, param: cursor, start: "true", items: items, item: Item, next: next_cursor, clears: [asset]}
"#;

/// A `list_page` result streams like any cursor page, and `clears:` empties
/// its filters when the stream moves to a cursor.
#[test]
fn emits_cursor_paging_over_a_list_page_with_clears() {
    let code = generate(PAGED).unwrap();
    assert!(
        code.contains("crate::Either<Vec<super::Item>, crate::ListPage<super::Item>>"),
        "{code}"
    );
    let set_position = code
        .split("fn set_position")
        .nth(1)
        .and_then(|rest| rest.split("fn into_page").next())
        .unwrap();
    assert!(
        set_position.contains("self.cursor = Some(c.clone());"),
        "{set_position}"
    );
    assert!(
        set_position.contains("self.asset = None;"),
        "{set_position}"
    );
    assert!(!set_position.contains("self.kind"), "{set_position}");
}

#[test]
fn rejects_bad_paging() {
    let cases = [
        (
            PAGED.replace("clears: [asset]", "clears: [kind]"),
            "spec/demo.yaml: endpoint `list_things`: paging: clears: `kind` must be another optional parameter of a cursor-paged call",
        ),
        (
            PAGED.replace("clears: [asset]", "clears: [cursor]"),
            "spec/demo.yaml: endpoint `list_things`: paging: clears: `cursor` must be another optional parameter",
        ),
        (
            PAGED.replace("items: items,", "items: things,"),
            "spec/demo.yaml: endpoint `list_things`: paging: a `list_page` pages with `items: items` and `next: next_cursor`",
        ),
        (
            PAGED.replace("list_page<Item>", "list_page<string>"),
            "spec/demo.yaml: endpoint `list_things`: paging: the page must be `list_page<Item>`",
        ),
    ];
    assert_refused(&cases);
}

#[test]
fn rejects_permission_on_public_endpoints_and_public_writes() {
    let public = r#"
doc: Public.
endpoints:
  - name: get_time
    kraken: Time
    http: GET
    path: /0/public/Time
    auth: public
    encoding: query
    cost: 0
    effect: read
    doc: Time.
    response: int
"#;
    generate(public).unwrap();
    let err = error_of(&public.replace("effect: read", "effect: read\n    permission: none"));
    assert!(
        err.contains("`permission:` is only for api_key endpoints"),
        "{err}"
    );
    let err = error_of(&public.replace("effect: read", "effect: write"));
    assert!(err.contains("public endpoints are `effect: read`"), "{err}");
}

const ERRORS: &str = r#"
doc: Kraken's errors.
errors:
  - {code: "EAPI:Invalid key", category: API, kind: auth, retryable: false, meaning: "An invalid API-Key header was supplied."}
  - {code: "EService: Throttled", category: Service, kind: rate_limit, retryable: true, meaning: "Too many concurrent requests."}
"#;

fn generate_errors(errors: &str) -> Result<(String, String), String> {
    let files = kraken_codegen::generate_sources(&[
        ("errors".to_owned(), errors.to_owned()),
        ("demo".to_owned(), ENDPOINT.to_owned()),
    ])?;
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    Ok((get("errors.rs"), get("mod.rs")))
}

#[test]
fn emits_the_error_catalogue() {
    let (errors, module) = generate_errors(ERRORS).unwrap();
    insta::assert_snapshot!(errors);
    assert!(module.contains("pub mod errors;"), "{module}");
    assert!(
        module.contains("pub use errors::ERROR_CATALOGUE;"),
        "{module}"
    );
}

#[test]
fn rejects_bad_error_entries() {
    let cases = [
        (
            ERRORS.replace("category: API", "category: Api"),
            "spec/errors.yaml: error `EAPI:Invalid key`: category `Api` is not one of",
        ),
        (
            ERRORS.replace("\"EAPI:Invalid key\"", "\"EGeneral:Invalid key\""),
            "spec/errors.yaml: error `EGeneral:Invalid key`: the code must be `EAPI:<text>`",
        ),
        (
            ERRORS.replace("\"EAPI:Invalid key\"", "\"EAPI:\""),
            "spec/errors.yaml: error `EAPI:`: the code must be `EAPI:<text>`",
        ),
        (
            ERRORS.replace("kind: auth", "kind: permission"),
            "spec/errors.yaml: errors[0].kind: unknown variant `permission`",
        ),
        (
            ERRORS.replace(
                "\"EService: Throttled\", category: Service",
                "\"EAPI:Invalid key\", category: API",
            ),
            "spec/errors.yaml: error `EAPI:Invalid key`: duplicate code",
        ),
        (
            ERRORS.replace("retryable: false, ", ""),
            "spec/errors.yaml: errors[0]: missing field `retryable`",
        ),
    ];
    for (yaml, expected) in cases {
        let err = generate_errors(&yaml).unwrap_err();
        assert!(
            err.starts_with(expected),
            "expected `{expected}`, got:\n{err}"
        );
    }
}

/// Parameter rules: `format`, `max_length` and `exclusive`, on parameters and
/// on an input struct's fields.
const RULES: &str = r#"
doc: Rules.
structs:
  - name: Leg
    doc: One order.
    input: true
    fields:
      - {name: userref, type: int, optional: true, doc: A reference., format: int32}
      - {name: cl_ord_id, type: string, optional: true, doc: A client id., format: cl_ord_id}
    exclusive: [[userref, cl_ord_id]]
  - name: Done
    doc: The result.
    fields:
      - {name: count, type: int, optional: true, doc: Count.}
endpoints:
  - name: place
    kraken: AddThing
    http: POST
    path: /0/private/AddThing
    auth: api_key
    encoding: json
    cost: 0
    effect: write
    permission: modify-trades
    doc: Place things.
    params:
      - {name: name, type: string, required: true, doc: A name., max_length: 32}
      - {name: userref, type: int, doc: A reference., format: int32}
      - {name: cl_ord_id, type: string, doc: A client id., format: cl_ord_id}
      - {name: cl_ord_ids, type: list<string>, doc: Client ids., format: cl_ord_id}
      - {name: deadline, type: string, doc: A deadline., format: deadline}
      - {name: legs, type: list<Leg>, doc: Orders.}
    exclusive: [[userref, cl_ord_id]]
    response: Done
"#;

#[test]
fn emits_parameter_rules() {
    insta::assert_snapshot!(generate(RULES).unwrap());
}

#[test]
fn rejects_rules_that_do_not_fit() {
    let cases = [
        (
            RULES.replace(
                "{name: userref, type: int, doc: A reference., format: int32}",
                "{name: userref, type: string, doc: A reference., format: int32}",
            ),
            "spec/demo.yaml: endpoint `place`: param `userref`: `format: int32` does not fit `string`",
        ),
        (
            RULES.replace(
                "doc: A deadline., format: deadline",
                "doc: A deadline., format: iso8601",
            ),
            "spec/demo.yaml: endpoint `place`: unknown variant `iso8601`",
        ),
        (
            RULES.replace(
                "{name: deadline, type: string, doc: A deadline., format: deadline}",
                "{name: deadline, type: int, doc: A deadline., format: deadline}",
            ),
            "spec/demo.yaml: endpoint `place`: param `deadline`: `format: deadline` does not fit `int`",
        ),
        (
            RULES.replace(
                "doc: A name., max_length: 32",
                "doc: A name., max_length: -1",
            ),
            "spec/demo.yaml: endpoint `place`: invalid value",
        ),
        (
            RULES.replace(
                "{name: userref, type: int, doc: A reference., format: int32}",
                "{name: userref, type: int, doc: A reference., max_length: 3}",
            ),
            "spec/demo.yaml: endpoint `place`: param `userref`: max_length is for string parameters",
        ),
        (
            RULES.replace(
                "    exclusive: [[userref, cl_ord_id]]\n    response",
                "    exclusive: [[userref, name]]\n    response",
            ),
            "spec/demo.yaml: endpoint `place`: exclusive names `name`, which is not an optional param",
        ),
        (
            RULES.replace(
                "    exclusive: [[userref, cl_ord_id]]\n    response",
                "    exclusive: [[userref]]\n    response",
            ),
            "spec/demo.yaml: endpoint `place`: an `exclusive` group needs two or more names",
        ),
        (
            RULES.replace(
                "    exclusive: [[userref, cl_ord_id]]\n  - name: Done",
                "    exclusive: [[userref, volume]]\n  - name: Done",
            ),
            "spec/demo.yaml: struct `Leg`: exclusive names `volume`, which is not an optional field",
        ),
        (
            RULES.replace(
                "{name: count, type: int, optional: true, doc: Count.}",
                "{name: count, type: int, optional: true, doc: Count., format: int32}",
            ),
            "spec/demo.yaml: struct `Done`: field `count`: format and max_length are for input structs",
        ),
    ];
    assert_refused(&cases);
}

const ONE_OF: &str = r#"
doc: Results.
structs:
  - name: Removed
    doc: The result of removing a thing.
    fields:
      - {name: delete, type: bool, optional: true, doc: Deleted.}
      - {name: cancel, type: bool, optional: true, doc: Cancelled.}
    require_one_of: [delete, cancel]
"#;

#[test]
fn emits_require_one_of_as_a_checked_deserialize() {
    insta::assert_snapshot!(generate(ONE_OF).unwrap());
}

#[test]
fn rejects_require_one_of_naming_a_required_or_missing_field() {
    let err = error_of(&ONE_OF.replace("[delete, cancel]", "[delete, gone]"));
    assert_eq!(
        err,
        "spec/demo.yaml: struct `Removed`: require_one_of names `gone`, which is not an optional field"
    );
    let err = error_of(&ONE_OF.replace(
        "    require_one_of: [delete, cancel]",
        "    input: true\n    require_one_of: [delete, cancel]",
    ));
    assert!(
        err.contains("`require_one_of` is for response objects"),
        "{err}"
    );
}

#[test]
fn all_optional_structs_need_a_known_key_unless_allow_empty() {
    // Implicitly every field: the same checked Deserialize as require_one_of.
    let implicit = generate(&ONE_OF.replace("    require_one_of: [delete, cancel]\n", "")).unwrap();
    assert!(
        implicit.contains("not a Removed: none of `delete`, `cancel` is present"),
        "{implicit}"
    );
    let allowed = generate(&ONE_OF.replace(
        "    require_one_of: [delete, cancel]",
        "    allow_empty: true",
    ))
    .unwrap();
    assert!(!allowed.contains("not a Removed"), "{allowed}");
    let err = error_of(&ONE_OF.replace(
        "{name: cancel, type: bool, optional: true, doc: Cancelled.}\n    require_one_of: [delete, cancel]",
        "{name: cancel, type: bool, doc: Cancelled.}\n    allow_empty: true",
    ));
    assert!(
        err.contains("`allow_empty` is for structs whose fields are all optional"),
        "{err}"
    );
}

#[test]
fn moves_is_only_for_writes_and_takes_trading_or_funds() {
    let with = |effect: &str, moves: &str| {
        ENDPOINT.replace(
            "    effect: write\n",
            &format!("    effect: {effect}\n    moves: {moves}\n"),
        )
    };
    assert!(generate(&with("write", "trading")).is_ok());
    assert!(generate(&with("write", "funds")).is_ok());
    let err = error_of(&with("read", "funds"));
    assert!(
        err.contains("`moves:` is for endpoints with `effect: write`"),
        "{err}"
    );
    let err = error_of(&with("write", "everything"));
    assert!(err.contains("unknown variant `everything`"), "{err}");
}

/// Each spec is refused with an error that starts with its expected text.
fn assert_refused(cases: &[(String, &str)]) {
    for (yaml, expected) in cases {
        let err = error_of(yaml);
        assert!(
            err.starts_with(expected),
            "expected `{expected}`, got:\n{err}"
        );
    }
}
