#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into fuzz/corpus/<target>/ (run from anywhere).

The seeds are our own: the machines of tests/machines, and short hand-written inputs for each
target. Parts of a seed (definition and input, path and document) are separated by a NUL byte,
as the targets split them.
"""
import hashlib
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
MACHINES = sorted((ROOT.parent / "tests" / "machines").glob("*.json"))

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
EXTRA_MACHINES = [
    PASS,
    {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"a": "{% $states.input.a + 1 %}"}, "Assign": {"v": "{% [1..3] %}"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $v[0] = 1 %}", "Next": "E"}], "Default": "F"},
        "E": {"Type": "Succeed"}, "F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% $string($v) %}"}}},
    {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ItemProcessor": {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}], "End": True}}}, "End": True}}},
    {"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "Branches": [PASS, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "X"}], "Next": "X"}, "X": {"Type": "Pass", "Parameters": {"f.$": "States.Format('{}', $)"}, "End": True}}},
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "E"}], "Default": "A"}, "E": {"Type": "Succeed"}}},
]
INPUTS = ['{}', '{"a": 1, "items": [1, "x", {"k": null}], "stop": true}', '[1, 2.5, -0, "s"]']

PATHS = ["$", "$.a", "$.a.b[0]", "$..*", "$.items[*].k", "$.items[?(@.k == null)]", "$['a','items']",
         "$.items[1:3]", "$.items[-1:]", "$$.Execution.Id", "$v.x", "$.a[?(@ =~ /x.*/i)]", "$.*[0,1]"]
DOC = '{"a": {"b": [1, 2]}, "items": [{"k": null}, {"k": "x"}, 3], "x": "xyz"}'

CALLS = ["States.Format('a {} b', $.a)", "States.StringToJson($.s)", "States.JsonToString($.o)",
         "States.Array($.a, 'x', 2.5, true, null)", "States.ArrayPartition($.l, 2)", "States.ArrayContains($.l, 3)",
         "States.ArrayRange(1, 9, 2)", "States.ArrayGetItem($.l, 1)", "States.ArrayLength($.l)", "States.ArrayUnique($.l)",
         "States.Base64Encode($.s)", "States.Base64Decode('aGk=')", "States.Hash($.s, 'SHA-256')",
         "States.JsonMerge($.o, $.o, false)", "States.MathRandom(1, 10)", "States.MathAdd($.a, -1)",
         "States.StringSplit('a,b', ',')", "States.UUID()", "States.Format('{}', States.Array(1, 'a'))"]
CALL_INPUT = '{"a": 1, "s": "{\\"k\\": [1]}", "o": {"k": "v"}, "l": [1, 2, 3, 3]}'

EXPRESSIONS = ["$states.input.a + 1", "$sum([1..10])", "$string($states.input)", "$v[2].three",
               "$map($v, function($x){ $type($x) })", "$join(['a','b'], '-') & $pad('x', 3)",
               "$replace('banana', 'an', '-')", "$states.context.Execution.Id", "$count($distinct([1,1,2]))",
               "($f := function($n){ $n < 3 ? $f($n + 1) : $n }; $f(0))", "$partition([1,2,3], 2)",
               "$hash('x', 'SHA-256')", "$parse('{\"a\": 1}')", "$range(1, 5, 2)", "$uuid()", "$now()",
               "{'a': [1..3].($ * 2)}", "$states.input.items[k = null]", "$formatNumber(1234.5, '#,##0.00')"]

# Inputs that crashed a target once, each now a test as well.
JSONATA_CRASHES = [
    "${'a': [0.." + "3" * 54 + "].($ % 4)}\0a",
    "($I(-nn := function()<nnotn\u0111\u050fa:?+V93))(f\0ar@))eInl9\0\0\x16e}",
    '$now("ht$..]h[\u054d\u0324]z")\0:{0d/',
    "$now(\"ht[@\u017fss.] 0,1103[,113[$.2N.3over the simulator's bfromMi\rp\x7fnaw\u017f G]2)%z\")\0",
    '$now("ht\u017f[simulc\x1900000,0000000000205052565846374626]G)%z")\x00',
]

RULES = [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.s", "StringMatches": "a*c"},
         {"Not": {"Variable": "$.x", "IsPresent": True}},
         {"And": [{"Variable": "$.a", "NumericGreaterThanPath": "$.b"}, {"Variable": "$.t", "TimestampLessThan": "2024-01-01T00:00:00Z"}]},
         {"Or": [{"Variable": "$.b", "BooleanEquals": True}, {"Variable": "$.s", "StringEqualsPath": "$.s"}]}]
RULE_INPUT = '{"a": 1, "b": 0, "s": "abc", "t": "2023-12-31T00:00:00Z"}'

TESTSTATE = [
    {"definition": json.dumps({"Type": "Pass", "Parameters": {"a.$": "$.x"}, "End": True}), "input": '{"x": 1}', "inspectionLevel": "DEBUG"},
    {"definition": json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}),
     "mock": {"result": '{"ok": true}'}, "inspectionLevel": "TRACE"},
    {"definition": json.dumps({"QueryLanguage": "JSONata", "Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "X"}]}),
     "variables": '{"v": 1}'},
    {"definition": json.dumps(EXTRA_MACHINES[2]), "stateName": "M", "input": '{"items": [1, 2]}',
     "mock": {"result": "[1, 2]"}},
]

MOCKS = [{"StateMachines": {"M": {"TestCases": {"Happy": {"A": "Ok", "B": "Fail2"}}}},
          "MockedResponses": {"Ok": {"0": {"Return": {"x": 1}}}, "Fail2": {"0-1": {"Throw": {"Error": "E", "Cause": "c"}}, "2": {"Return": 1}}}}]


def write(target, seeds):
    folder = ROOT / "corpus" / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for seed in seeds:
        data = seed.encode()
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    definitions = [json.dumps(json.load(open(p))["definition"]) for p in MACHINES]
    definitions += [json.dumps(m) for m in EXTRA_MACHINES]
    write("validate", definitions)
    write("run_machine", [f"{d}\0{i}" for d in definitions for i in INPUTS])
    write("jsonpath", [f"{p}\0{DOC}" for p in PATHS])
    write("intrinsics", [f"{c}\0{CALL_INPUT}" for c in CALLS])
    write("jsonata", [f"{e}\0{INPUTS[1]}" for e in EXPRESSIONS] + JSONATA_CRASHES)
    write("choice", [f"{json.dumps(r)}\0{RULE_INPUT}" for r in RULES])
    write("teststate", [json.dumps(r) for r in TESTSTATE])
    write("mock_config", [json.dumps(m) for m in MOCKS])


if __name__ == "__main__":
    main()
