#!/usr/bin/env python3
"""Writes src/teststate/shapes/models.rs: the response shapes `TestState` checks a mocked Task result
against (`mock.fieldValidationMode`), read from botocore's service models
(`botocore/data/<service>/<version>/service-2.json.gz`), the authority for AWS's API shapes.

It carries every operation's output of the services in SERVICES (reached as
`arn:aws:states:::aws-sdk:<service>:<action>`) and the optimized integrations in OPTIMIZED
(`arn:aws:states:::<service>:<action>`), with each member's type, required members, enum values,
length and value ranges. Member names are written as Step Functions returns them, first letter
upper-cased (SFN `executionArn` is `ExecutionArn` in a task result).

    .venv/bin/python scripts/mock_shapes.py          # rewrites src/teststate/shapes/models.rs
    .venv/bin/python scripts/mock_shapes.py --check  # exits 1 if the file is not what it would write

The virtual environment is the one scripts/setup.sh makes (boto3 brings botocore).
"""

import gzip
import json
import os
import pathlib
import sys

import botocore

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "teststate" / "shapes" / "models.rs"
DATA = pathlib.Path(botocore.__file__).parent / "data"

# botocore service folders whose every operation is carried for `aws-sdk:<name>:<action>`, where
# <name> is the service id in lower case without spaces (AWS SDK for Java 2.x client names).
SERVICES = ["lambda", "s3", "dynamodb", "sqs", "sns", "events", "stepfunctions", "kms", "secretsmanager",
            "sts"]
# Optimized integrations: (resource action, botocore service, operation, members whose value
# Step Functions hands over as JSON rather than the API's blob).
OPTIMIZED = [
    ("lambda:invoke", "lambda", "Invoke", ["Payload"]),
    ("sns:publish", "sns", "Publish", []),
    ("sqs:sendMessage", "sqs", "SendMessage", []),
    ("dynamodb:getItem", "dynamodb", "GetItem", []),
    ("dynamodb:putItem", "dynamodb", "PutItem", []),
    ("dynamodb:updateItem", "dynamodb", "UpdateItem", []),
    ("dynamodb:deleteItem", "dynamodb", "DeleteItem", []),
    ("events:putEvents", "events", "PutEvents", []),
    ("states:startExecution", "stepfunctions", "StartExecution", []),
    ("ecs:runTask", "ecs", "RunTask", []),
    ("batch:submitJob", "batch", "SubmitJob", []),
    ("athena:startQueryExecution", "athena", "StartQueryExecution", []),
    ("athena:stopQueryExecution", "athena", "StopQueryExecution", []),
    ("athena:getQueryExecution", "athena", "GetQueryExecution", []),
    ("athena:getQueryResults", "athena", "GetQueryResults", []),
    ("glue:startJobRun", "glue", "StartJobRun", []),
    ("codebuild:startBuild", "codebuild", "StartBuild", []),
    ("codebuild:stopBuild", "codebuild", "StopBuild", []),
    ("bedrock:invokeModel", "bedrock-runtime", "InvokeModel", ["Body"]),
    ("s3:getObject", "s3", "GetObject", []),
    ("s3:putObject", "s3", "PutObject", []),
]
# Constraints where TestState, as recorded on AWS, still follows an older model than botocore's:
# (service, shape) -> fields to replace. Lambda's MemorySize: 10241 "exceeds the maximum value"
# (conformance case test_strict_mode_aws_sdk_lambda_get_function_task[integer_more_than_maximum_allowed],
# recorded December 2025); botocore has since raised the maximum to 32768.
RECORDED = {
    ("lambda", "MemorySize"): {"max": 10240},
}


def model(service):
    folder = DATA / service
    version = sorted(os.listdir(folder))[-1]
    with gzip.open(folder / version / "service-2.json.gz") as f:
        return json.load(f)


def sdk_name(m):
    return m["metadata"]["serviceId"].lower().replace(" ", "").replace("-", "")


def sfn_cased(name):
    return name[:1].upper() + name[1:]


def opt(v):
    return "-" if v is None else str(v)


def token(s):
    """A name or enum value as one token of the table's text."""
    assert s and not any(c in s for c in ' ;"\\\n'), s
    return s


class Emitter:
    """The table as text: one record per shape, `;` after each, tokens separated by spaces (a kind
    letter, then its fields; `-` for an absent bound). src/teststate/shapes.rs parses it."""

    def __init__(self):
        self.rows = []  # records, by index
        self.index = {}  # (service, shape, json overrides) -> index

    def shape(self, service, shapes, name, json_members=()):
        key = (service, name, tuple(json_members))
        if key in self.index:
            return self.index[key]
        i = len(self.rows)
        self.index[key] = i
        self.rows.append(None)
        s = dict(shapes[name], **RECORDED.get((service, name), {}))
        t = s["type"]
        bounds = f"{opt(s.get('min'))} {opt(s.get('max'))}"
        if t == "structure":
            required = set(s.get("required", []))
            members = []
            for mname, m in s.get("members", {}).items():
                if mname in json_members:
                    sub = self.document()
                else:
                    sub = self.shape(service, shapes, m["shape"])
                members.append(f" {token(sfn_cased(mname))} {sub} {int(mname in required)}")
            self.rows[i] = "S" + "".join(members)
        elif t == "list":
            self.rows[i] = f"L {self.shape(service, shapes, s['member']['shape'])} {bounds}"
        elif t == "map":
            self.rows[i] = f"M {self.shape(service, shapes, s['value']['shape'])} {bounds}"
        elif t == "string":
            self.rows[i] = f"T {bounds}" + "".join(f" {token(e)}" for e in s.get("enum", []))
        elif t == "blob":
            self.rows[i] = f"B {bounds}"
        elif t in ("integer", "long"):
            self.rows[i] = f"I {bounds}"
        elif t in ("float", "double"):
            fmin = None if s.get("min") is None else f"{float(s['min'])!r}"
            fmax = None if s.get("max") is None else f"{float(s['max'])!r}"
            self.rows[i] = f"F {opt(fmin)} {opt(fmax)}"
        elif t == "boolean":
            self.rows[i] = "b"
        elif t == "timestamp":
            self.rows[i] = "t"
        else:  # document, and anything newer
            self.rows[i] = "d"
        return i

    def document(self):
        key = ("", "document", ())
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append("d")
        return self.index[key]


def references(row):
    """The positions, among a record's space-separated tokens, that hold shape indices."""
    tokens = row.split(" ")
    if tokens[0] == "S":
        return list(range(2, len(tokens), 3))
    if tokens[0] in ("L", "M"):
        return [1]
    return []


def merged(rows, operations):
    """The rows with equal shapes written once (AWS models repeat a shape under many names: a
    plain string, a list of strings; the web build's .wasm is 3 KB smaller gzipped), and the
    operations renumbered to match. Shapes equal once their references are merged are merged too,
    until nothing changes; recursive shapes stay apart unless they have the same form."""
    rep = list(range(len(rows)))
    while True:
        forms = []
        for row in rows:
            tokens = row.split(" ")
            for p in references(row):
                tokens[p] = str(rep[int(tokens[p])])
            forms.append(" ".join(tokens))
        first = {}
        new = [first.setdefault(form, i) for i, form in enumerate(forms)]
        if new == rep:
            break
        rep = new
    # Grouped by kind (all strings, then all structures, ...), each group in the order the shapes
    # were met: 0.7 KB less gzipped than the order met alone.
    kept = sorted(set(rep), key=lambda i: (rows[i][0], i))
    number = {old: n for n, old in enumerate(kept)}
    out = []
    for i in kept:
        tokens = rows[i].split(" ")
        for p in references(rows[i]):
            tokens[p] = str(number[rep[int(tokens[p])]])
        out.append(" ".join(tokens))
    return out, {name: number[rep[i]] for name, i in operations.items()}


def packed(records, width=640):
    """A Rust string literal of `records`, each followed by `;`, on as few lines as fit `width`
    (a backslash ends each line: the file stays short enough to page through)."""
    lines, line = [], ""
    for record in records:
        item = record + ";"
        if line and len(line) + len(item) > width:
            lines.append(line + "\\")
            line = item
        else:
            line += item
    lines.append(line + '";')
    return lines


def generate():
    em = Emitter()
    operations = {}
    versions = {}
    for service in SERVICES:
        m = model(service)
        versions[service] = m["metadata"]["apiVersion"]
        prefix = f"aws-sdk:{sdk_name(m)}:"
        for op_name, op in sorted(m["operations"].items()):
            if "output" not in op:
                continue
            operations[prefix + op_name[:1].lower() + op_name[1:]] = em.shape(service, m["shapes"],
                                                                              op["output"]["shape"])
    for action, service, op_name, json_members in OPTIMIZED:
        m = model(service)
        versions[service] = m["metadata"]["apiVersion"]
        op = m["operations"][op_name]
        operations[action] = em.shape(service, m["shapes"], op["output"]["shape"], json_members)
    rows, operations = merged(em.rows, operations)
    out = [
        f"//! The response shapes of the integrations `TestState` checks mocks against (generated by",
        f"//! `scripts/mock_shapes.py` from botocore {botocore.__version__}; do not edit).",
        "//!",
        "//! Services: " + ", ".join(f"{s} {versions[s]}" for s in sorted(versions)) + ".",
        "",
        "/// Each integration (`aws-sdk:<service>:<action>` or an optimized `<service>:<action>`) and the",
        "/// index of its output shape in [`SHAPES`] (`<name> <index>`), sorted by name.",
        "#[rustfmt::skip]",
        'pub(super) static OPERATIONS: &str = "\\',
    ]
    out += packed(f"{token(name)} {operations[name]}" for name in sorted(operations))
    out += [
        "",
        "/// Every shape, by index, as text that `super` parses at first use (see `Tables` there).",
        "#[rustfmt::skip]",
        'pub(super) static SHAPES: &str = "\\',
    ]
    out += packed(rows)
    out += [""]
    assert len(rows) < 65536
    return "\n".join(out)


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is not what scripts/mock_shapes.py writes; run it", file=sys.stderr)
            sys.exit(1)
        print(f"{OUT.relative_to(ROOT)} is up to date")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
