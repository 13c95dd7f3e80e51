import { TextField } from "../../ui/text-field.tsx";

type Props = { value: string; onChange: (value: string) => void; error?: string | undefined; hint?: string };

export function ProviderNameField({ value, onChange, error, hint }: Props) {
  return (
    <TextField
      id="provider-name"
      label="Provider name"
      value={value}
      onChange={onChange}
      error={error}
      hint={hint ?? "How this workspace will call the provider."}
    />
  );
}
