/**
 * SOP classes by UID: names for messages, and which are not images (refused, saying what they
 * are, instead of "invalid dimensions 0x0").
 */
const NON_IMAGE: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation (DICOM SEG; a label object, not an image)',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.66.1': 'Spatial Registration',
  '1.2.840.10008.5.1.4.1.1.66.3': 'Deformable Spatial Registration',
  '1.2.840.10008.5.1.4.1.1.66.5': 'Surface Segmentation',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.4': 'RT Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.481.6': 'RT Brachy Treatment Record',
  '1.2.840.10008.5.1.4.1.1.481.7': 'RT Treatment Summary Record',
  '1.2.840.10008.5.1.4.1.1.481.8': 'RT Ion Plan',
  '1.2.840.10008.5.1.4.1.1.481.9': 'RT Ion Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.40': 'Procedure Log',
  '1.2.840.10008.5.1.4.1.1.88.50': 'Mammography CAD Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.59': 'Key Object Selection Document',
  '1.2.840.10008.5.1.4.1.1.88.65': 'Chest CAD Structured Report',
  '1.2.840.10008.5.1.4.1.1.88.67': 'X-Ray Radiation Dose Structured Report',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.104.2': 'Encapsulated CDA',
  '1.2.840.10008.5.1.4.1.1.104.3': 'Encapsulated STL',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.11.2': 'Color Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-lead ECG Waveform',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform',
  '1.2.840.10008.5.1.4.1.1.9.1.3': 'Ambulatory ECG Waveform',
  '1.2.840.10008.5.1.4.1.1.9.2.1': 'Hemodynamic Waveform',
  '1.2.840.10008.5.1.4.1.1.9.3.1': 'Basic Cardiac Electrophysiology Waveform',
  '1.2.840.10008.5.1.4.1.1.9.4.1': 'Basic Voice Audio Waveform',
  '1.2.840.10008.5.1.4.1.1.9.4.2': 'General Audio Waveform',
  '1.2.840.10008.5.1.4.1.1.9.5.1': 'Arterial Pulse Waveform',
  '1.2.840.10008.5.1.4.1.1.9.6.1': 'Respiratory Waveform',
  '1.2.840.10008.1.3.10': 'Media Storage Directory (DICOMDIR)',
  '1.2.840.10008.5.1.4.1.1.68.1': 'Surface Scan Mesh',
  '1.2.840.10008.5.1.4.1.1.78.1': 'Lensometry Measurements',
};

const IMAGE_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.1': 'CR Image',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image',
  '1.2.840.10008.5.1.4.1.1.3.1': 'Ultrasound Multi-frame Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
  '1.2.840.10008.5.1.4.1.1.20': 'Nuclear Medicine Image',
  '1.2.840.10008.5.1.4.1.1.128': 'PET Image',
  '1.2.840.10008.5.1.4.1.1.481.1': 'RT Image',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
  '1.2.840.10008.5.1.4.1.1.77.1.5.1': 'Ophthalmic Photography 8 Bit Image',
  '1.2.840.10008.5.1.4.1.1.77.1.5.2': 'Ophthalmic Photography 16 Bit Image',
  '1.2.840.10008.5.1.4.1.1.77.1.5.4': 'Ophthalmic Tomography Image',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image',
  '1.2.840.10008.5.1.4.1.1.12.1': 'X-Ray Angiographic Image',
};

/** The name of a non-image SOP class, or null when the class may carry an image. */
export function nonImageSopClass(uid: string | undefined): string | null {
  return uid ? (NON_IMAGE[uid] ?? null) : null;
}

export function sopClassName(uid: string | undefined): string {
  if (!uid) return 'an object without SOP Class UID';
  return IMAGE_NAMES[uid] ?? NON_IMAGE[uid] ?? `SOP class ${uid}`;
}
