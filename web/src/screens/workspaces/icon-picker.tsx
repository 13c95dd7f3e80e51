import { WorkspaceIcon } from "./workspace-icon.tsx";
import { workspaceIcons } from "./workspace-icons.ts";

type Props = { name: string; value: string; onChange: (value: string) => void; error?: string | undefined };

/** Choosing a workspace icon: a row of radio buttons, each labelled with the icon's name. */
export function IconPicker({ name, value, onChange, error }: Props) {
  return (
    <fieldset className={error ? "field icon-picker field-invalid" : "field icon-picker"}>
      <legend>Icon</legend>
      <div className="icon-options">
        {workspaceIcons.map((icon) => (
          <label
            key={icon.value}
            className={icon.value === value ? "icon-option selected" : "icon-option"}
            title={icon.label}
          >
            <input
              type="radio"
              name={name}
              value={icon.value}
              checked={icon.value === value}
              onChange={() => onChange(icon.value)}
              aria-label={icon.label}
              className="visually-hidden"
            />
            <WorkspaceIcon icon={icon.value} kind="team" size={20} />
          </label>
        ))}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
