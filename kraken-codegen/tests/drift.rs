//! `cargo xtask drift`: an OpenAPI file that differs from the spec gives a
//! review list naming each difference.

use std::path::Path;

const CHANGED_API: &str = r#"
openapi: 3.0.0
servers:
  - url: https://api.kraken.com/0
paths:
  /public/Time:
    get:
      operationId: getServerTime
      responses:
        "200":
          content:
            application/json:
              schema:
                type: object
                properties:
                  result:
                    type: object
                    properties:
                      unixtime: {type: integer}
                      rfc1123: {type: string}
                      leap_second: {type: boolean}
  /public/Brand:
    get:
      operationId: getBrandNew
  /private/AddOrder:
    post:
      operationId: addOrder
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [nonce, pair, ordertype, type, volume, brand_new]
              properties:
                nonce: {type: integer}
                ordertype: {type: string}
                type: {type: string}
                volume: {type: string}
                pair: {type: string}
                brand_new: {type: string}
                userref: {type: integer}
                timeinforce: {type: string, enum: [GTC, IOC, GTD, GTX]}
"#;

#[test]
fn drift_lists_new_removed_and_changed_items_per_operation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec =
        kraken_codegen::load_sources(&kraken_codegen::read_spec_dir(&root.join("spec")).unwrap())
            .unwrap();
    let file = std::env::temp_dir().join(format!("drift-{}.yaml", std::process::id()));
    std::fs::write(&file, CHANGED_API).unwrap();
    let report = kraken_codegen::drift::drift(&spec, &file).unwrap();
    std::fs::remove_file(&file).unwrap();

    for expected in [
        "getBrandNew  GET /0/public/Brand\n  + operation: not in the spec",
        "getServerTime  GET /0/public/Time  (get_server_time)\n  + response field `leap_second`",
        "addOrder  POST /0/private/AddOrder  (submit_order)",
        "  + param `brand_new` (required)",
        "  + enum value `GTX` of param `timeinforce`",
        "  - enum value `FOK` of param `timeinforce` (only in the spec)",
        "  - param `cl_ord_id` (only in the spec)",
        "get_order_book  GET /0/public/Depth\n  - operation: in the spec, not in this file",
    ] {
        assert!(
            report.contains(expected),
            "missing `{expected}` in:\n{report}"
        );
    }
    // An operation that matches the spec exactly is not listed.
    assert!(!report.contains("userref"), "{report}");
}

#[test]
fn drift_refuses_a_file_that_is_not_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec =
        kraken_codegen::load_sources(&kraken_codegen::read_spec_dir(&root.join("spec")).unwrap())
            .unwrap();
    let err =
        kraken_codegen::drift::drift(&spec, Path::new("/nonexistent/openapi.yaml")).unwrap_err();
    assert!(err.contains("/nonexistent/openapi.yaml"), "{err}");
}
