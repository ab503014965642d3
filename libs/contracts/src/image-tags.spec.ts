import { describe, expect, it } from 'vitest';
import { projectTagListSchema, projectTags, projectTagSchema } from './image-tags';

describe('image tags', () => {
  it('normalises admin tags and refuses built-in, empty, odd or repeated ones', () => {
    expect(projectTagSchema.parse('  Poor Quality ')).toBe('poor quality');
    expect(projectTagSchema.safeParse('absent').success).toBe(false);
    expect(projectTagSchema.safeParse('   ').success).toBe(false);
    expect(projectTagSchema.safeParse('a<script>').success).toBe(false);
    expect(projectTagListSchema.safeParse(['x', 'X']).success).toBe(false);
    expect(projectTagListSchema.parse(['drusen', 'artefact'])).toEqual(['drusen', 'artefact']);
  });

  it('lists presence tags first and never twice', () => {
    expect(projectTags(['drusen', 'present'])).toEqual(['present', 'absent', 'drusen']);
  });
});
