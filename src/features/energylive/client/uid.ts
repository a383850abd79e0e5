import { phrase, ValidationError } from "../../../shared/errors";

/**
 * energyLIVE device UIDs look like `I-10082023-01658401`: a type letter (I = interface, G = gateway), the
 * production date DDMMYYYY and an 8-character serial. Checking the form locally turns a typo into a clear
 * message instead of a confusing 404 from the service.
 */
const UID_FORM = /^([IG])-(\d{2})(\d{2})(\d{4})-([0-9A-Z]{8})$/;

export function normalizeDeviceUid(raw: unknown): string {
  const uid = typeof raw === "string" ? raw.trim().toUpperCase() : "";
  const m = UID_FORM.exec(uid);
  const day = m ? Number(m[2]) : 0;
  const month = m ? Number(m[3]) : 0;
  if (!m || day < 1 || day > 31 || month < 1 || month > 12) {
    const shown = typeof raw === "string" ? raw.trim().slice(0, 40) : "";
    throw new ValidationError(
      shown
        ? phrase(
            "energylive-reader:errors.badUid",
            'The device UID is "__uid__": expected the form I-DDMMYYYY-XXXXXXXX, e.g. I-10082023-01658401, as shown in the smartENERGY customer portal under energyLIVE → ENERGYLIVE VERWALTEN.',
            { uid: shown },
          )
        : phrase(
            "energylive-reader:errors.noUid",
            "The device UID is empty: expected the form I-DDMMYYYY-XXXXXXXX, e.g. I-10082023-01658401, as shown in the smartENERGY customer portal under energyLIVE → ENERGYLIVE VERWALTEN.",
          ),
    );
  }
  return uid;
}
