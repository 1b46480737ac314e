"use client";
import type { ComponentType } from "react";
import * as React from "react";
import * as ReactDOM from "react-dom";
import * as jsxRuntime from "react/jsx-runtime";
import type { MDXContentProps } from "mdx-bundler/client";
import { lessonComponents } from "@/app/components/mdx-registry";

type LessonContent = ComponentType<MDXContentProps>;

// One component per compiled lesson, kept across renders so React never remounts the lesson.
const componentsByCode = new Map<string, LessonContent>();

/**
 * mdx-bundler's own getMDXComponent does the same, but it imports React from
 * node_modules, which on the server is not the React instance Next renders with.
 * The scope names are the globals mdx-bundler compiles lessons against.
 */
function lessonComponentFor(code: string): LessonContent {
  let component = componentsByCode.get(code);
  if (!component) {
    const scope = { React, ReactDOM, _jsx_runtime: jsxRuntime };
    const evaluate = new Function(...Object.keys(scope), code) as (...args: unknown[]) => { default: LessonContent };
    component = evaluate(...Object.values(scope)).default;
    componentsByCode.set(code, component);
  }
  return component;
}

/**
 * Evaluates the lesson code compiled at build time. It runs as a client
 * component so that components a lesson imports from its own folder hydrate
 * and can be interactive.
 */
export function LessonBody({ code }: { code: string }) {
  const Content = lessonComponentFor(code);
  // Stable per lesson: lessonComponentFor caches by code, so this is not a new component each render.
  // eslint-disable-next-line react-hooks/static-components
  return <Content components={lessonComponents} />;
}
