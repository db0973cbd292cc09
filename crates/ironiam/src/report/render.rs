//! The report as a table for people, or CSV for spreadsheets and scripts.

use std::fmt::Write;

use ironiam_server::compliance::Report;

const CSV_HEADER: &str = "account_id,rule_name,region,source_identifier,rule_compliance,\
    resource_type,resource_id,resource_name,compliance_type,annotation";

/// One CSV row per resource; a rule with no result in scope gets one row with empty
/// resource columns, so its INSUFFICIENT_DATA is still there.
pub fn csv(report: &Report) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for account in &report.accounts {
        for rule in &account.rules {
            let head = [
                account.account_id.as_str(),
                rule.name.as_str(),
                rule.region.as_deref().unwrap_or_default(),
                rule.source_identifier.as_str(),
                rule.compliance,
            ];
            if rule.results.is_empty() {
                push_record(&mut out, head.iter().copied().chain(["", "", "", "", ""]));
            }
            for result in &rule.results {
                push_record(
                    &mut out,
                    head.iter().copied().chain([
                        result.resource_type,
                        result.resource_id.as_str(),
                        result.resource_name.as_str(),
                        result.compliance,
                        result.annotation.as_str(),
                    ]),
                );
            }
        }
    }
    out
}

/// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled;
/// records end in CRLF.
fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// Aligned columns per account, then a line per rule and a closing verdict.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "MFA compliance, evaluated {}", report.evaluated_at);
    if report.accounts.is_empty() {
        out.push_str("\nNo accounts in this data directory.\n");
    }
    let mut failing_rules = 0usize;
    let mut failing_resources = 0usize;
    let mut rules = 0usize;
    for account in &report.accounts {
        let _ = writeln!(out, "\nAccount {}", account.account_id);
        if account.rules.is_empty() {
            out.push_str(
                "  no Config rules (add some with `aws configservice put-config-rule`, or run with --rules defaults)\n",
            );
            continue;
        }
        let mut rows = vec![[
            "RULE".to_owned(),
            "RESOURCE TYPE".to_owned(),
            "RESOURCE".to_owned(),
            "COMPLIANCE".to_owned(),
            "ANNOTATION".to_owned(),
        ]];
        for rule in &account.rules {
            rules += 1;
            if rule.non_compliant_resources > 0 {
                failing_rules += 1;
                failing_resources += rule.non_compliant_resources;
            }
            if rule.results.is_empty() {
                rows.push([
                    rule.name.clone(),
                    "-".to_owned(),
                    "-".to_owned(),
                    "-".to_owned(),
                    "no resource in scope".to_owned(),
                ]);
            }
            for result in &rule.results {
                rows.push([
                    rule.name.clone(),
                    result.resource_type.to_owned(),
                    result.resource_name.clone(),
                    result.compliance.to_owned(),
                    result.annotation.clone(),
                ]);
            }
        }
        push_aligned(&mut out, &rows);
        out.push_str("\n  Rules:\n");
        for rule in &account.rules {
            let detail = match rule.non_compliant_resources {
                0 => String::new(),
                1 => " (1 resource)".to_owned(),
                n => format!(" ({n} resources)"),
            };
            let _ = writeln!(out, "    {:<40} {}{detail}", rule.name, rule.compliance);
        }
    }
    if failing_resources == 0 {
        let _ = writeln!(out, "\nNothing is NON_COMPLIANT ({rules} rules).");
    } else {
        let _ = writeln!(
            out,
            "\nNON_COMPLIANT: {failing_resources} resources under {failing_rules} of {rules} rules."
        );
    }
    out
}

fn push_aligned(out: &mut String, rows: &[[String; 5]]) {
    let mut widths = [0usize; 4];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in rows {
        out.push_str("  ");
        for (width, cell) in widths.iter().zip(row.iter()) {
            let _ = write!(out, "{cell:<width$}  ");
        }
        if let Some(last) = row.last() {
            out.push_str(last);
        }
        out.push('\n');
    }
}
