import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/trpc';
import { ToastProvider } from '../components/toast';
import './globals.css';

export const metadata: Metadata = {
  title: 'Loupe',
  description: 'Medical image segmentation labeling where the model learns while you label',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <ToastProvider>{children}</ToastProvider>
        </Providers>
      </body>
    </html>
  );
}
