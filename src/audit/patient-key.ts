// The audit trail identifies a patient only by a keyed HMAC of the id the EHR sent: records of one
// patient can be found (by computing the HMAC of that id with the same key) but the id cannot be read
// back, and without the key it cannot be guessed by hashing candidate ids.
import { createHmac } from 'node:crypto'

export type PatientKeyer = (patientId: string) => string

export function patientKeyer (secret: string): PatientKeyer {
  return (patientId) => createHmac('sha256', secret).update(patientId, 'utf8').digest('hex')
}
