// SVG icons from Lucide (npm `lucide`), imported one by one so the bundle carries
// only these. Icons are decorative (aria-hidden); the text beside them, or the
// button's aria-label, says what they mean.
import {
  ArrowDown, ArrowLeft, ArrowRight, Bell, BellRing, Calendar, Check, CheckCheck, ChevronDown,
  CircleCheck, CircleX, ClipboardList, Clock, FileText, Globe, Hourglass, Languages, Lock, LogOut,
  Mail, MessageCircle, MessageCircleQuestion, MessagesSquare, Package, Paperclip, Phone, Pin,
  SendHorizontal, Star, Tag, Target, User, Wallet,
  createElement,
} from 'lucide'

const ICONS = {
  'arrow-down': ArrowDown, 'arrow-left': ArrowLeft, 'arrow-right': ArrowRight, bell: Bell,
  'bell-ring': BellRing, calendar: Calendar, check: Check, 'check-check': CheckCheck,
  'chevron-down': ChevronDown, accept: CircleCheck, reject: CircleX, details: ClipboardList,
  clock: Clock, file: FileText, globe: Globe, hourglass: Hourglass, languages: Languages,
  lock: Lock, 'log-out': LogOut, mail: Mail, chat: MessageCircle, ask: MessageCircleQuestion,
  chats: MessagesSquare, package: Package, paperclip: Paperclip, phone: Phone, pin: Pin,
  send: SendHorizontal, star: Star, tag: Tag, target: Target, user: User, wallet: Wallet,
}

export function icon(name, { size = 18, className = '', ...attrs } = {}) {
  const node = ICONS[name]
  if (!node) throw new Error(`unknown icon ${name}`)
  return createElement(node, {
    width: size, height: size, 'aria-hidden': 'true', focusable: 'false',
    class: `icon icon-${name} ${className}`.trim(), ...attrs,
  })
}
