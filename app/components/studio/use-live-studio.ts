import { useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Job } from "./job-list";

// The studio's live view: the Jobs panel and the quota line follow /studio/events (Server-Sent
// Events, ADR 0020); while the stream is down the page falls back to reloading its data every
// 1.5 s. A job that finishes is announced once per tab: a toast and the tab's title.

type Usage = { quotaSeconds: number; reservedSeconds: number; remainingSeconds: number };

export type Announcement = {
  jobId: string;
  status: "succeeded" | "failed";
  prompt: string;
  error: string | null;
};

const POLL_MS = 1500;
const ANNOUNCED_KEY = "greenroom.studio.announced";

function announcedBefore(): Set<string> {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(ANNOUNCED_KEY) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

function remember(ids: Set<string>) {
  try {
    sessionStorage.setItem(ANNOUNCED_KEY, JSON.stringify([...ids].slice(-200)));
  } catch {
    // private mode: announcements may repeat after a reload, nothing worse
  }
}

export function useLiveStudio(initial: { jobs: Job[]; usage: Usage; serverNow: number }) {
  const revalidator = useRevalidator();
  const [jobs, setJobs] = useState(initial.jobs);
  const [usage, setUsage] = useState(initial.usage);
  /** Server clock minus ours, so countdowns agree with the server's estimates. */
  const [clockOffset, setClockOffset] = useState(0);
  const [streaming, setStreaming] = useState<"connecting" | "live" | "down">("connecting");
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  const statuses = useRef(new Map(initial.jobs.map((j) => [j.id, j.status])));
  const announced = useRef<Set<string> | null>(null);
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  const announce = useCallback((a: Announcement) => {
    announced.current ??= announcedBefore();
    if (announced.current.has(a.jobId)) return;
    announced.current.add(a.jobId);
    remember(announced.current);
    setAnnouncements((list) => [...list.slice(-3), a]);
    // A new clip belongs in "Your clips".
    if (a.status === "succeeded") revalidate.current();
  }, []);

  const accept = useCallback(
    (next: Job[]) => {
      for (const job of next) {
        const before = statuses.current.get(job.id);
        const wasActive = before === "queued" || before === "running";
        if (wasActive && (job.status === "succeeded" || job.status === "failed"))
          announce({ jobId: job.id, status: job.status, prompt: job.prompt, error: job.error });
      }
      statuses.current = new Map(next.map((j) => [j.id, j.status]));
      setJobs(next);
    },
    [announce],
  );

  // New page data (after an action or a fallback poll) is the truth too.
  useEffect(() => {
    accept(initial.jobs);
    setUsage(initial.usage);
    setClockOffset(initial.serverNow - Date.now());
  }, [initial.jobs, initial.usage, initial.serverNow, accept]);

  useEffect(() => {
    if (typeof EventSource === "undefined") {
      setStreaming("down");
      return;
    }
    const source = new EventSource("/studio/events");
    source.addEventListener("open", () => setStreaming("live"));
    source.addEventListener("error", () => setStreaming("down"));
    source.addEventListener("jobs", (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as {
        jobs: Job[];
        usage: Usage;
        serverNow: number;
      };
      setStreaming("live");
      setClockOffset(data.serverNow - Date.now());
      setUsage(data.usage);
      accept(data.jobs);
    });
    source.addEventListener("result", (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as {
        id: string;
        status: "succeeded" | "failed";
        prompt: string;
        error: string | null;
      };
      announce({ jobId: data.id, status: data.status, prompt: data.prompt, error: data.error });
    });
    // The artist's limits or quota changed (an admin granted seconds): reload the form.
    source.addEventListener("access", () => revalidate.current());
    // Signed out or suspended: stop, and let the page's next load say why.
    source.addEventListener("bye", () => {
      source.close();
      setStreaming("down");
      revalidate.current();
    });
    return () => source.close();
  }, [accept, announce]);

  // The fallback: while the stream is down and something is unfinished, poll as before.
  const active = jobs.some((j) => j.status === "queued" || j.status === "running");
  const { state } = revalidator;
  useEffect(() => {
    if (streaming !== "down" || !active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate.current();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [streaming, active, state]);

  const dismissAnnouncement = useCallback(
    (jobId: string) => setAnnouncements((list) => list.filter((a) => a.jobId !== jobId)),
    [],
  );

  return { jobs, usage, clockOffset, streaming, announcements, dismissAnnouncement };
}

/** The tab's title says a clip is ready (or failed) until the tab is looked at again. */
export function useTitleNotice(announcements: Announcement[]) {
  const latest = announcements.at(-1);
  useEffect(() => {
    if (!latest) return;
    const base = document.title.replace(/^\([^)]*\) /, "");
    const mark = latest.status === "succeeded" ? "(Clip ready) " : "(Clip failed) ";
    document.title = mark + base;
    const restore = () => {
      if (document.visibilityState === "visible") document.title = base;
    };
    // A visible tab keeps the notice a few seconds, long enough to be seen; a hidden one until
    // it is shown.
    const timer = document.visibilityState === "visible" ? setTimeout(restore, 8000) : undefined;
    document.addEventListener("visibilitychange", restore);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", restore);
      document.title = base;
    };
  }, [latest]);
}

/** The current time, updated every second while `active`. */
export function useNow(active: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
