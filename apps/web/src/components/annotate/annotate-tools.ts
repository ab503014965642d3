/** The annotate page's drawing tools with their keys, as the toolbar and the key map list them. */
import type { Tool } from './viewer-canvas';

export interface ToolInfo {
  tool: Tool;
  label: string;
  key: string;
  hint: string;
}

export const TOOLS: readonly ToolInfo[] = [
  { tool: 'box', label: 'Box', key: 'B', hint: 'Drag a box around the lesion' },
  {
    tool: 'positive',
    label: 'Add',
    key: 'P',
    hint: 'Click to add a positive point (right-click: negative)',
  },
  {
    tool: 'negative',
    label: 'Remove',
    key: 'N',
    hint: 'Click to add a negative point (right-click: positive)',
  },
  { tool: 'brush', label: 'Brush', key: 'R', hint: 'Paint the mask' },
  { tool: 'eraser', label: 'Eraser', key: 'E', hint: 'Erase from the mask' },
  { tool: 'pan', label: 'Pan', key: 'H', hint: 'Drag to pan (or hold Space)' },
  { tool: 'window', label: 'W/L', key: 'W', hint: 'Drag: horizontal = width, vertical = level' },
];
