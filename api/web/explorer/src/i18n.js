// One dictionary per language (i18n/zh.js, i18n/en.js); 简体中文 unless the user chose English, remembered here.
import zh from "./i18n/zh.js";
import en from "./i18n/en.js";

export const DICTIONARIES = { zh, en };
const KEY = "tracegraph.explorer.lang";
let lang = DICTIONARIES[localStorage.getItem(KEY)] ? localStorage.getItem(KEY) : "zh";

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = DICTIONARIES[next] ? next : "zh";
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function locale() {
  return lang === "zh" ? "zh-CN" : "en-GB";
}

// t("lot.title", {id}): the label in the current language; a key missing from a dictionary is reported, so a
// test catches it, and shows as the key rather than in the other language.
export function t(key, params = {}) {
  let text = DICTIONARIES[lang][key];
  if (text === undefined) {
    console.error(`i18n.missing ${lang} ${key}`);
    text = key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] === undefined ? `{${name}}` : String(params[name])));
}

// An enum value's label: enumLabel("warningGrade", "I"). An unknown value (added to the API after this page) shows
// as sent.
export function enumLabel(kind, value) {
  if (value === null || value === undefined) return "";
  const key = `${kind}.${value}`;
  return key in DICTIONARIES[lang] ? DICTIONARIES[lang][key] : String(value);
}

export function num(value, digits = 2) {
  if (value === null || value === undefined) return "";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

export function percent(value) {
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value);
}

// Dates as the service sends them (ISO 8601, a date or a date-time); shown in the user's language.
export function date(value) {
  if (!value) return "";
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  const options = value.length === 10 ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(locale(), options).format(d);
}

export function country(code) {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([locale()], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

setLanguage(lang);
