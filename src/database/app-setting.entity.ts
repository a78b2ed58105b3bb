import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Values generated once per deployment and shared by every replica (e.g. the URL-signing secret). */
@Entity({ name: 'app_settings' })
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
