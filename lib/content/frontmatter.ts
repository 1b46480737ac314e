import { z } from "zod";

/** What every lesson declares at the top of its index.mdx. */
export const lessonFrontmatterSchema = z.object({
  title: z.string().min(3),
  summary: z.string().min(10),
  order: z.number().int().nonnegative(),
  /** Minutes to read the lesson, run its experiments and take its quiz; shown on the lesson page and the home page. */
  estimatedMinutes: z.number().int().positive(),
  objectives: z.array(z.string().min(3)).min(1),
});

export type LessonFrontmatter = z.infer<typeof lessonFrontmatterSchema>;
