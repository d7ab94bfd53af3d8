"""Version comparison on the demo plan: a rimodulazione's changes, and nothing else."""

from __future__ import annotations

from cruscotto.engine.diff import diff_plans
from cruscotto.files import load_plan


def test_the_same_plan_has_no_changes(demo_plan_path):
    plan = load_plan(demo_plan_path).piano
    assert diff_plans(plan, plan) == []


def test_a_target_a_weight_a_new_and_a_removed_indicator(demo_plan_path):
    from cruscotto.files.native import plan_from_data, plan_to_data

    plan = load_plan(demo_plan_path).piano
    data = plan_to_data(plan)
    oo = next(
        o
        for p in data["prospettive"]
        for ln in p["linee"]
        for s in ln["obiettivi_strategici"]
        for o in s.get("obiettivi_operativi", [])
        if len(o.get("indicatori", [])) >= 2 and 2021 in o["indicatori"][0].get("target", {})
    )
    first = oo["indicatori"][0]
    code, old_target = first["codice"], first["target"][2021]
    first["target"][2021] = "95%"
    old_weight = oo.get("peso", "")
    oo["peso"] = "10%"
    removed = oo["indicatori"].pop(1)
    new = dict(removed, codice="NUOVO-1", nome="Un indicatore nuovo")
    oo["indicatori"].append(new)
    changed = plan_from_data(data, source="modificato", check_schema=False)
    rows = {(c.livello, c.codice, c.campo): c for c in diff_plans(plan, changed)}
    assert (
        rows[("indicatore", code, "target 2021")].prima == old_target
        and rows[("indicatore", code, "target 2021")].dopo == "95%"
    )
    assert (
        rows[("obiettivo_operativo", oo["codice"], "peso")].prima == (old_weight or "")
        and rows[("obiettivo_operativo", oo["codice"], "peso")].dopo == "10%"
    )
    assert ("indicatore", removed["codice"], "tolto") in rows and ("indicatore", "NUOVO-1", "aggiunto") in rows
    assert len(rows) == 4  # nothing else moved
