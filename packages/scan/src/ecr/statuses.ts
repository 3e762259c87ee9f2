import { GateError } from "@mlgate/core";

/** What to do on each scan status ECR can report for an image. */
export type StatusAction = "wait" | "ready" | "fail";

export interface StatusMeaning {
  action: StatusAction;
  /** One line a person understands. */
  message: string;
  hint?: string;
}

/**
 * Every status of `imageScanStatus.status`. Basic scans go IN_PROGRESS → COMPLETE; enhanced scanning
 * (Amazon Inspector) goes PENDING → ACTIVE and stays ACTIVE while it monitors the image, which is why
 * the SDK's waiter (waiting for COMPLETE) times out on it.
 */
export const SCAN_STATUSES: Record<string, StatusMeaning> = {
  PENDING: { action: "wait", message: "the scan is queued" },
  IN_PROGRESS: { action: "wait", message: "the scan is running" },
  COMPLETE: { action: "ready", message: "the scan is complete" },
  ACTIVE: { action: "ready", message: "the image is under continuous (enhanced) scanning" },
  FAILED: {
    action: "fail",
    message: "ECR could not scan the image",
    hint: "see the status description; scan it natively instead (give the registry reference without ecr://)",
  },
  UNSUPPORTED_IMAGE: {
    action: "fail",
    message: "ECR does not support scanning this image (its operating system or media type is not supported)",
    hint: "scan it natively instead: give the registry reference (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG) without ecr://",
  },
  SCAN_ELIGIBILITY_EXPIRED: {
    action: "fail",
    message:
      "Amazon Inspector stopped scanning the image: it was not pushed or pulled within the registry's scan duration",
    hint: "pull or re-push the image to make it eligible again, or lengthen the scan duration in Amazon Inspector's ECR settings",
  },
  FINDINGS_UNAVAILABLE: {
    action: "fail",
    message: "ECR has no findings for the image (the image is no longer monitored or was removed)",
    hint: "re-push the image, or scan it natively instead",
  },
  IMAGE_ARCHIVED: {
    action: "fail",
    message: "the image is archived and is not scanned",
    hint: "restore the image in ECR, or scan it natively instead",
  },
  LIMIT_EXCEEDED: {
    action: "fail",
    message: "ECR reports the image exceeded its scan limits",
    hint: "basic scanning allows one scan per image every 24 hours; retry later, or scan natively",
  },
};

export function meaningOf(status: string | undefined): StatusMeaning {
  if (status === undefined) return { action: "wait", message: "the scan has not reported a status yet" };
  return (
    SCAN_STATUSES[status] ?? {
      action: "fail",
      message: `ECR reports an unknown scan status ${JSON.stringify(status)}`,
      hint: "update mlgate; meanwhile scan the image natively",
    }
  );
}

/** The GateError for a status that ends the wait without findings. */
export function statusError(
  image: string,
  status: string | undefined,
  description: string | undefined,
): GateError {
  const meaning = meaningOf(status);
  const detail = description ? ` (${description.trim().slice(0, 300)})` : "";
  return new GateError(`${image}: ${meaning.message} [${status ?? "no status"}]${detail}`, {
    ...(meaning.hint ? { hint: meaning.hint } : {}),
  });
}
