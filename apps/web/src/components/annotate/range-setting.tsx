'use client';
/** One labelled slider of the display panel, with its value shown beside it. */
export function RangeSetting(props: {
  label: string;
  min: number;
  max: number;
  step?: number | 'any';
  value: number;
  /** What is shown beside the slider. */
  shown: number;
  /** Tailwind width of the value column. */
  valueWidth: 'w-8' | 'w-12';
  /** data-testid of the shown value. */
  testId?: string;
  onChange: (value: number) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-xs text-slate-300">
      <span className="w-16">{props.label}</span>
      <input
        type="range"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
        className="flex-1 accent-sky-500"
      />
      <span className={`${props.valueWidth} text-right font-mono`} data-testid={props.testId}>
        {props.shown}
      </span>
    </label>
  );
}
