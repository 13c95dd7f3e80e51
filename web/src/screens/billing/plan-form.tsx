import { useRef } from "react";
import type { Option } from "../../ui/select-field.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { categoryFields, type CategoryRow, type Direction, type PlanDraft } from "./plan-input.ts";

const directions: readonly Option[] = [
  { value: "markup", label: "Markup" },
  { value: "discount", label: "Discount" },
];

type PlanFieldsProps = {
  draft: PlanDraft;
  onChange: (draft: PlanDraft) => void;
  fieldError: (path: string) => string | undefined;
};

/** The percentage fields of a price plan: one for every meter category, and rows for categories priced apart. */
export function PlanFields({ draft, onChange, fieldError }: PlanFieldsProps) {
  const nextKey = useRef(1);
  const setRow = (key: number, change: Partial<CategoryRow>) =>
    onChange({
      ...draft,
      categories: draft.categories.map((c) => (c.key === key ? { ...c, ...change } : c)),
    });
  return (
    <>
      <div className="billing-percent">
        <SelectField
          id="plan-direction"
          label="Markup or discount"
          value={draft.direction}
          options={directions}
          onChange={(v) => onChange({ ...draft, direction: v as Direction })}
        />
        <TextField
          id="plan-percent"
          label="Percent of Microsoft's list price"
          value={draft.percent}
          onChange={(percent) => onChange({ ...draft, percent })}
          error={fieldError("markupPercent")}
          hint="E.g. 12.5. A discount of 100 % at most."
          inputMode="decimal"
          autoComplete="off"
        />
      </div>
      <fieldset className="billing-categories">
        <legend>Meter categories priced apart</legend>
        {draft.categories.length === 0 ? (
          <p className="muted">Every meter category gets the plan&apos;s percentage.</p>
        ) : null}
        {draft.categories.map((c, i) => (
          <div className="billing-percent" key={c.key} data-testid="category-row">
            <TextField
              id={`plan-category-${c.key}`}
              label={`Category ${i + 1}`}
              value={c.category}
              onChange={(category) => setRow(c.key, { category })}
              hint="As Microsoft names it, e.g. Virtual Machines"
              error={
                c.category.trim()
                  ? categoryFields(c.category)
                      .map(fieldError)
                      .find((m) => m !== undefined)
                  : undefined
              }
            />
            <SelectField
              id={`plan-category-direction-${c.key}`}
              label="Markup or discount"
              value={c.direction}
              options={directions}
              onChange={(v) => setRow(c.key, { direction: v as Direction })}
            />
            <TextField
              id={`plan-category-percent-${c.key}`}
              label="Percent"
              value={c.percent}
              onChange={(percent) => setRow(c.key, { percent })}
              inputMode="decimal"
              autoComplete="off"
            />
            <button
              type="button"
              className="btn btn-small btn-danger-quiet"
              aria-label={`Remove category ${i + 1}`}
              onClick={() =>
                onChange({ ...draft, categories: draft.categories.filter((r) => r.key !== c.key) })
              }
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            onChange({
              ...draft,
              categories: [
                ...draft.categories,
                { key: nextKey.current++, category: "", direction: "markup", percent: "" },
              ],
            })
          }
        >
          Add a category
        </button>
      </fieldset>
    </>
  );
}
