"use client";
import { createContext, useContext, type ReactNode } from "react";
import type { PublicQuiz } from "../schema";

const QuizzesContext = createContext<readonly PublicQuiz[]>([]);

/** The lesson page passes its quizzes' public copies (built at build time) down to <Quiz id>. */
export function QuizzesProvider({ quizzes, children }: { quizzes: readonly PublicQuiz[]; children: ReactNode }) {
  return <QuizzesContext.Provider value={quizzes}>{children}</QuizzesContext.Provider>;
}

export function usePublicQuiz(id: string): PublicQuiz | undefined {
  return useContext(QuizzesContext).find((quiz) => quiz.id === id);
}
