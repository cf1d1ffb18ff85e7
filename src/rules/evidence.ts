// The evidence the rules cite (knowledge.md §1–§2 and §7). Keys follow knowledge.md's source keys.
// A year is given where knowledge.md (or the publication itself) states it; secondary tables whose
// year knowledge.md does not record carry none rather than a guessed one.
import type { Evidence } from './types.js'

export const EVIDENCE = {
  ASCO23: { guideline: 'ASCO', year: 2023, ref: 'Key NS et al., J Clin Oncol 41:3063 — VTE prophylaxis and treatment in cancer, recommendations 4.1–4.4 [A23]' },
  ITAC22: { guideline: 'ITAC', year: 2022, ref: 'Farge D et al., Lancet Oncol 23:e334 — international clinical practice guidelines [ITAC22]' },
  NCCN24: { guideline: 'NCCN', year: 2024, ref: 'NCCN Cancer-Associated VTE, as summarised in PMC11057512 Table 3 [R24]' },
  CHEST21: { guideline: 'CHEST', year: 2021, ref: 'Stevens SM et al., Chest 2021 — antithrombotic therapy for VTE, 2nd update [CHEST21]' },
  ESC22: { guideline: 'ESC', year: 2022, ref: 'Lyon AR et al., 2022 ESC cardio-oncology guideline (class I A for edoxaban/apixaban/rivaroxaban) [ESC22]' },
  ASH21: { guideline: 'ASH', year: 2021, ref: 'Lyman GH et al., Blood Adv 5:927 [ASH21]' },
  ISTH18: { guideline: 'ISTH SSC', year: 2018, ref: 'Khorana AA et al., ISTH SSC guidance on DOACs in cancer-associated VTE [ISTH18]' },
  ISTH_TP: { guideline: 'ISTH SSC', year: 2018, ref: 'Samuelson Bannow BT et al., management of CAT in thrombocytopenia [ISTH-TP]' },
  ISTH13: { guideline: 'ISTH SSC', year: 2013, ref: 'Carrier M et al., J Thromb Haemost 11:1760 — recurrent VTE in cancer [ISTH13]' },
  ITAC19: { guideline: 'ITAC', year: 2019, ref: 'ITAC 2019 recommendations as tabulated in Thrombosis J 2021 (s12959-021-00274-x) Tables 2–3 [TJ21-T2/T3]' },
  ASCO19: { guideline: 'ASCO', year: 2019, ref: 'ASCO 2019 recommendations as tabulated in Thrombosis J 2021 Table 2 [TJ21-T2]' },
  CHEST16: { guideline: 'CHEST', year: 2016, ref: 'Kearon C et al., CHEST 2016 VTE update (summary) [CHEST16-sum]' },
  DOAC_US: { guideline: 'DOAC US labelling', year: 2016, ref: 'US prescribing information as tabulated in PMC4884797 Table 4 [DOAC-US]' },
  DDI_ASH: { guideline: 'ASH-SAP', ref: 'ASH-SAP table of oncology drug interactions with DOACs [DDI-ASH]' },
  DOSE_ASCO: { guideline: 'ASCO dosing table', ref: 'ASCO dosing table for LMWH/fondaparinux/UFH in cancer VTE, PMC4715852 Table 3 [DOSE-ASCO]' },
  ONCOL_T6: { guideline: 'NCCN / ITAC renal dosing', ref: 'Renal dosing of anticoagulants in cancer, PMC7794170 Table 6 [ONCOL-T6]' },
  ASCO_SP: { guideline: 'ASCO / ITAC special populations', ref: 'Special populations table, PMC8010277 Table 4 [ASCO-SP]' },
  CARAVAGGIO: { guideline: 'Caravaggio trial', year: 2020, ref: 'Agnelli G et al., N Engl J Med 2020 — apixaban vs dalteparin; excluded brain tumours/metastases and acute leukaemia [CARAV][J2W]' },
  HOKUSAI: { guideline: 'Hokusai VTE Cancer trial', year: 2018, ref: 'Raskob GE et al., N Engl J Med 2018 — edoxaban vs dalteparin; excess upper-GI bleeding in GI cancer [CLOTPLUS]' },
  SELECTD: { guideline: 'SELECT-D trial', year: 2018, ref: 'Young AM et al., J Clin Oncol 2018 — rivaroxaban vs dalteparin; bleeding excess in gastro-oesophageal cancer [GIORN]' },
  APICAT: { guideline: 'API-CAT trial', year: 2025, ref: 'API-CAT, N Engl J Med 2025 — apixaban 2.5 mg vs 5 mg bid after ≥ 6 months (new evidence, not yet in guidelines) [APICAT]' },
  ISTH_OB: { guideline: 'ISTH SSC', year: 2021, ref: 'ISTH 2021 update on DOACs at extremes of weight, as reported in Am J Med 2023 [ISTH-OB]' },
  ADAMVTE: { guideline: 'ADAM VTE trial', year: 2020, ref: 'McBane RD et al., J Thromb Haemost 2020 — apixaban (10 mg bid for 7 days, then 5 mg bid) vs dalteparin in cancer-associated VTE' },
  FRAGMIN_US: { guideline: 'Fragmin (dalteparin) US prescribing information', ref: 'Extended treatment of symptomatic VTE in cancer: weight-band dose tables (month 1; months 2–6), max 18 000 IU/day; platelets 50–100 × 10⁹/L: reduce the daily dose by 2 500 IU until ≥ 100, < 50: stop; label text read in secondary sources (docs/clinical/dosing.md)' },
  LOVENOX_US: { guideline: 'Lovenox (enoxaparin) US prescribing information', ref: 'Presentations: 30 and 40 mg prefilled syringes; 60, 80, 100, 120 and 150 mg graduated prefilled syringes (manufacturer site)' },
  XARELTO_US: { guideline: 'Xarelto (rivaroxaban) US prescribing information', ref: 'DVT/PE treatment: 15 mg twice daily with food for the first 21 days, then 20 mg once daily; 10 mg once daily after at least 6 months to reduce the risk of recurrence (manufacturer site)' },
  ELIQUIS_US: { guideline: 'Eliquis (apixaban) US prescribing information', ref: 'DVT/PE treatment: 10 mg twice daily for the first 7 days, then 5 mg twice daily; 2.5 mg twice daily after at least 6 months to reduce the risk of recurrence; halve with combined strong CYP3A4 and P-gp inhibitors (label text read in secondary sources)' },
  SAVAYSA_US: { guideline: 'Savaysa (edoxaban) US prescribing information', ref: 'DVT/PE treatment: 60 mg once daily after 5–10 days of initial parenteral anticoagulation; 30 mg for CrCl 15–50 mL/min, weight ≤ 60 kg, or certain P-gp inhibitors (section 14.2: verapamil, quinidine, short-term azithromycin, clarithromycin, erythromycin, oral itraconazole or ketoconazole) (label text read in secondary sources)' },
  PRADAXA_US: { guideline: 'Pradaxa (dabigatran) US prescribing information', ref: 'DVT/PE treatment: 150 mg twice daily after 5–10 days of parenteral anticoagulation, CrCl > 30 mL/min (label text read in secondary sources)' },
  ESC19: { guideline: 'ESC', year: 2019, ref: 'Konstantinides SV et al., 2019 ESC guidelines on acute pulmonary embolism, Eur Heart J 2020;41:543 — extended anticoagulation in active cancer' },
  DOAC_SWITCHING: { guideline: 'DOAC US prescribing information (Eliquis, Xarelto, Savaysa, Pradaxa)', ref: 'Switching between anticoagulants: stop one when the next starts (at the time of its next dose); overlap only when starting warfarin, until the INR is in range (label text read in secondary sources)' },
  DOAC_HEMOSTASIS: { guideline: 'DOAC US prescribing information', ref: 'Drug interactions: aspirin, P2Y12 inhibitors and NSAIDs increase the bleeding risk of anticoagulation (label text read in secondary sources)' },
  IBRUTINIB_US: { guideline: 'Imbruvica (ibrutinib) US prescribing information', ref: 'Warnings: haemorrhage; the risk rises with antiplatelet or anticoagulant therapy (label text not seen: UNVERIFIED)' },
  LO06: { guideline: '4Ts score', year: 2006, ref: 'Lo GK et al., J Thromb Haemost 2006;4:759–765 — evaluation of the 4Ts pretest clinical scoring system for HIT' },
  ASH_HIT18: { guideline: 'ASH', year: 2018, ref: 'Cuker A et al., Blood Adv 2018;2:3360–3392 — ASH guidelines for heparin-induced thrombocytopenia (4Ts score; stop all heparin; immunoassay; non-heparin anticoagulant)' },
  VENOUS_LMS: { guideline: 'Case reports of venous leiomyosarcoma', year: 2011, ref: 'Venous leiomyosarcoma presenting as chronic DVT: Case Rep Med 2011:123041 [HINDAWI]; Eurorad case 17646 [EURORAD]; CEUS report [VLMS-CEUS]; seed case (c)' }
} as const satisfies Record<string, Evidence>
